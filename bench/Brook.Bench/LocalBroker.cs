using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Brook.Bench;

/// <summary>
/// For --start-broker: runs src/Brook.Host's brook.dll (Release, built on demand) on a free loopback port with a
/// throwaway data directory; its output goes to broker.log in that directory. Disposal sends SIGTERM, waits, cleans up.
/// </summary>
public sealed partial class LocalBroker : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private LocalBroker(Process process, StreamWriter log, string root, int port)
    {
        _process = process;
        _log = log;
        RootDirectory = root;
        Port = port;
    }

    public int Port { get; }

    public string RootDirectory { get; }

    public string BootstrapServers => $"127.0.0.1:{Port}";

    public static async Task<LocalBroker> StartAsync()
    {
        var repo = FindRepoRoot();
        var dll = Path.Combine(repo, "src", "Brook.Host", "bin", "Release", "net10.0", "brook.dll");
        if (!File.Exists(dll))
        {
            Console.WriteLine("building src/Brook.Host (Release) ...");
            using var build = Process.Start("dotnet", ["build", Path.Combine(repo, "src", "Brook.Host", "Brook.Host.csproj"), "-c", "Release", "-v", "q", "-nologo"]);
            await build.WaitForExitAsync().ConfigureAwait(false);
            if (build.ExitCode != 0 || !File.Exists(dll)) throw new InvalidOperationException("building the broker failed");
        }

        var port = FreePort();
        var root = Path.Combine(Path.GetTempPath(), $"brook-bench-{Guid.NewGuid():N}");
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        var log = new StreamWriter(Path.Combine(root, "broker.log")) { AutoFlush = true };

        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        foreach (var a in new[] { dll, "--override", $"listeners=PLAINTEXT://127.0.0.1:{port}", "--override", $"log.dirs={data}" })
        {
            psi.ArgumentList.Add(a);
        }
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var broker = new LocalBroker(process, log, root, port);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                lock (log) log.Flush();
                var tail = string.Join('\n', File.ReadLines(Path.Combine(root, "broker.log")).TakeLast(20));
                throw new InvalidOperationException($"broker exited with code {process.ExitCode} before listening; {root}/broker.log ends with:\n{tail}");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                break;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
        Console.WriteLine($"started brook.dll on {broker.BootstrapServers} (data and broker.log in {root})");
        return broker;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15); // SIGTERM: let the broker close its segments
            if (!_process.WaitForExit(TimeSpan.FromSeconds(20))) _process.Kill();
        }
        _process.WaitForExit();
        _process.Dispose();
        lock (_log) _log.Dispose();
        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // leave it for the OS temp cleaner
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Brook.slnx"))) return d.FullName;
        }
        throw new DirectoryNotFoundException("Brook.slnx not found above " + AppContext.BaseDirectory);
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
