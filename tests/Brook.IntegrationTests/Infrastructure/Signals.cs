using System.Runtime.InteropServices;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>POSIX signal delivery (the BCL only offers SIGKILL through Process.Kill).</summary>
public static partial class Signals
{
    public const int SigTerm = 15;

    /// <summary>Sends SIGTERM to <paramref name="pid"/>; throws if the kernel refuses (e.g. no such process).</summary>
    public static void Terminate(int pid)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new PlatformNotSupportedException("SIGTERM needs a POSIX system");
        }
        if (Kill(pid, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
