using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Brook.Bench;

/// <summary>
/// For --start-broker: runs src/Brook.Host's brook.dll (Release, built on demand) on free loopback ports with a
/// throwaway data directory, as one standalone node or (--brokers N) as N combined broker + controller nodes forming a
/// KRaft cluster (formatted with `brook storage format`); each node's output goes to broker-N.log in that directory.
/// With --binary it runs that executable (e.g. the Native AOT build of scripts/publish.sh) instead of brook.dll.
/// Disposal sends SIGTERM, waits, cleans up.
/// </summary>
public sealed partial class LocalBroker : IDisposable
{
    private readonly List<(Process Process, StreamWriter Log, int Port, int NodeId)> _nodes;

    private LocalBroker(List<(Process, StreamWriter, int, int)> nodes, string root)
    {
        _nodes = nodes;
        RootDirectory = root;
    }

    public string RootDirectory { get; }

    public string BootstrapServers => string.Join(',', _nodes.Select(n => $"127.0.0.1:{n.Port}"));

    /// <summary>
    /// The active controller as the nodes' own logs tell it (the newest "Raft node N is leader in epoch E" line), or
    /// null when none has been elected yet. Good enough to choose a fail-over victim; not a protocol query.
    /// </summary>
    public int? ActiveController()
    {
        (int Node, int Epoch)? newest = null;
        foreach (var (_, log, _, nodeId) in _nodes)
        {
            string text;
            lock (log)
            {
                log.Flush();
                using var reader = new FileStream(Path.Combine(RootDirectory, $"broker-{nodeId}.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                text = new StreamReader(reader).ReadToEnd();
            }
            foreach (System.Text.RegularExpressions.Match m in LeaderLine().Matches(text))
            {
                var epoch = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (newest is null || epoch > newest.Value.Epoch) newest = (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), epoch);
            }
        }
        return newest?.Node;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Raft node (\d+) is leader in epoch (\d+)")]
    private static partial System.Text.RegularExpressions.Regex LeaderLine();

    /// <summary>SIGKILLs node <paramref name="nodeId"/> (fail-over measurements).</summary>
    public void Kill(int nodeId)
    {
        var node = _nodes.Single(n => n.NodeId == nodeId);
        if (!node.Process.HasExited) node.Process.Kill();
    }

    public static async Task<LocalBroker> StartAsync(int brokers = 1, string? binary = null)
    {
        var repo = FindRepoRoot();
        var program = binary ?? Path.Combine(repo, "src", "Brook.Host", "bin", "Release", "net10.0", "brook.dll");
        if (binary is null && !File.Exists(program))
        {
            Console.WriteLine("building src/Brook.Host (Release) ...");
            using var build = Process.Start("dotnet", ["build", Path.Combine(repo, "src", "Brook.Host", "Brook.Host.csproj"), "-c", "Release", "-v", "q", "-nologo"]);
            await build.WaitForExitAsync().ConfigureAwait(false);
            if (build.ExitCode != 0 || !File.Exists(program)) throw new InvalidOperationException("building the broker failed");
        }

        var root = Path.Combine(Path.GetTempPath(), $"brook-bench-{Guid.NewGuid():N}");
        var ports = Enumerable.Range(0, brokers).Select(_ => (Client: FreePort(), Controller: FreePort())).ToList();
        var voters = string.Join(',', ports.Select((p, i) => $"{i + 1}@127.0.0.1:{p.Controller}"));
        string? clusterId = null;
        var nodes = new List<(Process, StreamWriter, int, int)>();
        for (var i = 0; i < brokers; i++)
        {
            var nodeId = i + 1;
            var data = Path.Combine(root, $"data-{nodeId}");
            Directory.CreateDirectory(data);
            var overrides = new List<string> { $"node.id={nodeId}", $"log.dirs={data}" };
            if (brokers == 1)
            {
                overrides.Add($"listeners=PLAINTEXT://127.0.0.1:{ports[i].Client}");
            }
            else
            {
                overrides.Add($"listeners=PLAINTEXT://127.0.0.1:{ports[i].Client},CONTROLLER://127.0.0.1:{ports[i].Controller}");
                overrides.Add("controller.listener.names=CONTROLLER");
                overrides.Add("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
                overrides.Add($"controller.quorum.voters={voters}");
                clusterId ??= (await RunAsync(program, root, ["storage", "random-uuid"]).ConfigureAwait(false)).Trim();
                await RunAsync(program, root, ["storage", "format", "--cluster-id", clusterId, .. overrides.SelectMany(o => new[] { "--override", o })]).ConfigureAwait(false);
            }
            var log = new StreamWriter(Path.Combine(root, $"broker-{nodeId}.log")) { AutoFlush = true };
            var psi = StartInfo(program, root);
            foreach (var o in overrides)
            {
                psi.ArgumentList.Add("--override");
                psi.ArgumentList.Add(o);
            }
            var process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            nodes.Add((process, log, ports[i].Client, nodeId));
        }

        var broker = new LocalBroker(nodes, root);
        foreach (var (process, log, port, nodeId) in nodes) await WaitUntilServingAsync(process, log, port, Path.Combine(root, $"broker-{nodeId}.log")).ConfigureAwait(false);
        Console.WriteLine($"started {brokers} {Path.GetFileName(program)} node(s) on {broker.BootstrapServers} (data and logs in {root})");
        return broker;
    }

    /// <summary>Waits until the node answers on its client port: it closes connections at once until it is ready.</summary>
    private static async Task WaitUntilServingAsync(Process process, StreamWriter log, int port, string logPath)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                lock (log) log.Flush();
                var tail = string.Join('\n', File.ReadLines(logPath).TakeLast(20));
                throw new InvalidOperationException($"broker exited with code {process.ExitCode} before listening; {logPath} ends with:\n{tail}");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                var stream = probe.GetStream();
                // ApiVersions v0 with correlation id 1: a ready node answers, one still starting closes the connection.
                byte[] request = [0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0, 0];
                await stream.WriteAsync(request).ConfigureAwait(false);
                var size = new byte[4];
                stream.ReadTimeout = 2000;
                if (await stream.ReadAsync(size).ConfigureAwait(false) == 4) return;
            }
            catch (Exception e) when (e is SocketException or IOException && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new InvalidOperationException($"broker on port {port} did not become ready");
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>`dotnet brook.dll` for the portable build, the executable itself for a published one.</summary>
    private static ProcessStartInfo StartInfo(string program, string workingDirectory)
    {
        var isDll = program.EndsWith(".dll", StringComparison.Ordinal);
        var psi = new ProcessStartInfo(isDll ? "dotnet" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (isDll) psi.ArgumentList.Add(program);
        return psi;
    }

    private static async Task<string> RunAsync(string program, string workingDirectory, IEnumerable<string> args)
    {
        var psi = StartInfo(program, workingDirectory);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        var errors = await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0) throw new InvalidOperationException($"brook {string.Join(' ', args)} failed: {errors}{output}");
        return output;
    }

    public void Dispose()
    {
        foreach (var (process, _, _, _) in _nodes)
            if (!process.HasExited) _ = Kill(process.Id, 15); // SIGTERM: let the brokers close their segments
        foreach (var (process, log, _, _) in _nodes)
        {
            if (!process.WaitForExit(TimeSpan.FromSeconds(20))) process.Kill();
            process.WaitForExit();
            process.Dispose();
            lock (log) log.Dispose();
        }
        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // leave it for the OS temp cleaner
        }
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    internal static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Brook.slnx"))) return d.FullName;
        }
        throw new DirectoryNotFoundException("Brook.slnx not found above " + AppContext.BaseDirectory);
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    internal static partial int Kill(int pid, int signal);
}
