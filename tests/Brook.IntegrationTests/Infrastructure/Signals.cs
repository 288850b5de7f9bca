using System.Runtime.InteropServices;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>POSIX signal delivery (the BCL only offers SIGKILL through Process.Kill).</summary>
public static partial class Signals
{
    public const int SigTerm = 15;

    /// <summary>Linux's number (SIGSTOP cannot be caught or ignored: the process freezes at once).</summary>
    public const int SigStop = 19;

    /// <summary>Linux's number.</summary>
    public const int SigCont = 18;

    /// <summary>Sends SIGTERM to <paramref name="pid"/>; throws if the kernel refuses (e.g. no such process).</summary>
    public static void Terminate(int pid) => Send(pid, SigTerm, "SIGTERM");

    /// <summary>Sends SIGSTOP: the process stops being scheduled, its sockets stay open and unanswered.</summary>
    public static void Stop(int pid) => Send(pid, SigStop, "SIGSTOP");

    /// <summary>Sends SIGCONT: a stopped process runs on.</summary>
    public static void Continue(int pid) => Send(pid, SigCont, "SIGCONT");

    private static void Send(int pid, int signal, string name)
    {
        if (!OperatingSystem.IsLinux())
        {
            // SIGTERM is 15 everywhere, but SIGSTOP/SIGCONT are numbered differently on macOS and the BSDs.
            if (signal != SigTerm || !OperatingSystem.IsMacOS()) throw new PlatformNotSupportedException($"{name} needs Linux");
        }
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {name}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
