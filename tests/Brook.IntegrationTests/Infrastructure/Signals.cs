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

    /// <summary>
    /// Waits until every thread of <paramref name="pid"/> is stopped by a signal (state T in /proc), or until none is;
    /// signals are delivered asynchronously, so a process is not frozen yet when kill() returns. Throws on timeout.
    /// </summary>
    public static void WaitUntilStopped(int pid, bool stopped, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (AllThreadsStopped(pid) != stopped)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"process {pid} did not {(stopped ? "stop" : "continue")} within {timeout.TotalSeconds:0}s");
            Thread.Sleep(5);
        }
    }

    private static bool AllThreadsStopped(int pid)
    {
        try
        {
            foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                // "tid (comm) S ...": the name may contain spaces and parentheses, the state follows the last ')'.
                if (stat[stat.LastIndexOf(')') + 2] is not ('T' or 't')) return false;
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // a thread exited while we looked; look again
        }
    }

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
