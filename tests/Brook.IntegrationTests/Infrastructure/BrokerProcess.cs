using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// One Brook broker running as a child process (<c>dotnet brook.dll --override ...</c>) on a private loopback port and a
/// private temporary data directory, with its stdout/stderr captured for assertions and failure reports.
/// </summary>
/// <remarks>
/// The port and data directory survive <see cref="Kill"/>/<see cref="StopAsync"/> so <see cref="RestartAsync"/> brings
/// the "same" broker back, which is what the crash-recovery tests need. Disposal kills the process and deletes the
/// directory.
/// </remarks>
public sealed class BrokerProcess : IAsyncDisposable, IDisposable
{
    /// <summary>Broker id passed as node.id unless the caller overrides it.</summary>
    public const int DefaultNodeId = 1;

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StateChangeTimeout = TimeSpan.FromSeconds(5);

    private readonly object _logLock = new();
    private readonly StringBuilder _log = new();
    private readonly IReadOnlyList<KeyValuePair<string, string>> _overrides;
    private readonly string _brookDll;
    private readonly BrokerProcessOptions _options;
    private Process? _process;
    private int _generation;
    private bool _disposed;

    private BrokerProcess(string name, IEnumerable<KeyValuePair<string, string>>? extraOverrides, BrokerProcessOptions? options = null)
    {
        _brookDll = RepoPaths.FindBrookDll();
        _options = options ?? new BrokerProcessOptions();
        Host = _options.Host;
        Port = _options.Port ?? FreePort.Pick();
        ReadinessPort = _options.ReadinessPort ?? Port;
        RootDirectory = Path.Combine(Path.GetTempPath(), "brook-it", $"{name}-{Guid.NewGuid():N}");
        DataDirectory = Path.Combine(RootDirectory, "data");
        Directory.CreateDirectory(DataDirectory);

        // Later --override wins in Kafka's own tooling; caller extras come last so they can replace our defaults.
        var overrides = new List<KeyValuePair<string, string>>
        {
            new("listeners", $"PLAINTEXT://{Host}:{Port}"),
            new("log.dirs", string.Join(',', [DataDirectory, .. _options.ExtraLogDirs])),
            new("node.id", DefaultNodeId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        foreach (var extra in extraOverrides ?? [])
        {
            overrides.RemoveAll(o => o.Key == extra.Key);
            overrides.Add(extra);
        }
        _overrides = overrides;
    }

    /// <summary>The loopback port the broker listens on (fixed for the lifetime of this object).</summary>
    public int Port { get; }

    /// <summary>The address of <see cref="Port"/>: 127.0.0.1 unless <see cref="BrokerProcessOptions.Host"/> says otherwise.</summary>
    public string Host { get; }

    /// <summary>The port probed with ApiVersions to decide that the broker is up (<see cref="Port"/> unless set in the options).</summary>
    public int ReadinessPort { get; }

    /// <summary>"&lt;host&gt;:&lt;port&gt;", ready for bootstrap.servers.</summary>
    public string BootstrapServers => $"{Host}:{Port}";

    /// <summary>True between <see cref="Pause"/> and <see cref="Resume"/>.</summary>
    public bool IsPaused { get; private set; }

    /// <summary>The log.dirs directory (topic-partition folders live directly under it).</summary>
    public string DataDirectory { get; }

    /// <summary>Temporary root (working directory of the broker; parent of <see cref="DataDirectory"/>).</summary>
    public string RootDirectory { get; }

    /// <summary>The --override pairs passed on every start, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Overrides => _overrides;

    /// <summary>True while the child process is alive.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>OS process id of the current broker process (throws if never started).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("broker not started");

    /// <summary>Everything the broker printed on stdout and stderr so far, across restarts, with start markers.</summary>
    public string Log
    {
        get { lock (_logLock) return _log.ToString(); }
    }

    /// <summary>Current length of <see cref="Log"/>; pass it to <see cref="LogSince"/> to get only newer output.</summary>
    public int LogLength
    {
        get { lock (_logLock) return _log.Length; }
    }

    /// <summary>Output appended after <paramref name="position"/> (a value previously read from <see cref="LogLength"/>).</summary>
    public string LogSince(int position)
    {
        lock (_logLock)
        {
            position = Math.Clamp(position, 0, _log.Length);
            return _log.ToString(position, _log.Length - position);
        }
    }

    /// <summary>Starts a broker and waits until its port accepts TCP connections.</summary>
    /// <param name="name">Short label used in the temp directory name (helps when inspecting leftovers).</param>
    /// <param name="extraOverrides">Additional Kafka config keys, e.g. ("message.max.bytes", "10000").</param>
    public static async Task<BrokerProcess> StartAsync(string name, IEnumerable<KeyValuePair<string, string>>? extraOverrides = null)
    {
        var broker = new BrokerProcess(name, extraOverrides);
        try
        {
            await broker.StartProcessAsync().ConfigureAwait(false);
            return broker;
        }
        catch
        {
            broker.Dispose();
            throw;
        }
    }

    /// <summary>Convenience overload taking "key=value" strings.</summary>
    public static Task<BrokerProcess> StartAsync(string name, params string[] extraOverrides) =>
        StartAsync(name, extraOverrides.Select(ParseOverride));

    /// <summary>
    /// A broker that is set up (port, directory, overrides) but not started, so a caller can prepare its directory
    /// first (e.g. <c>brook storage format</c>); start it with <see cref="RestartAsync"/>.
    /// </summary>
    public static BrokerProcess Create(string name, IEnumerable<KeyValuePair<string, string>>? extraOverrides, BrokerProcessOptions options) =>
        new(name, extraOverrides, options);

    /// <summary>SIGSTOP: the process freezes (sockets stay open, nothing is answered) until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        var process = _process;
        if (process is null || process.HasExited) throw new InvalidOperationException("broker not running");
        Signals.Stop(process.Id);
        IsPaused = true;
        // kill() returns before every thread has stopped; callers rely on "paused" meaning "frozen".
        Signals.WaitUntilStopped(process.Id, stopped: true, StateChangeTimeout);
        AppendMarker("paused with SIGSTOP");
    }

    /// <summary>SIGCONT: a paused process carries on where it stopped.</summary>
    public void Resume()
    {
        var process = _process;
        if (process is null || process.HasExited) throw new InvalidOperationException("broker not running");
        Signals.Continue(process.Id);
        IsPaused = false;
        Signals.WaitUntilStopped(process.Id, stopped: false, StateChangeTimeout);
        AppendMarker("resumed with SIGCONT");
    }

    /// <summary>SIGKILL: the process dies without any chance to flush or close files. Waits for the exit.</summary>
    public void Kill()
    {
        var process = _process;
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: false); // SIGKILL ends a stopped process too
        process.WaitForExit(); // also drains the redirected output
        IsPaused = false;
        AppendMarker($"killed with SIGKILL (exit code {process.ExitCode})");
    }

    /// <summary>SIGTERM and wait for a clean exit; returns the exit code. Kills and throws if it does not exit in time.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        var process = _process ?? throw new InvalidOperationException("broker not started");
        if (process.HasExited) return process.ExitCode;

        Signals.Terminate(process.Id);
        // A stopped process only acts on SIGTERM once it runs again.
        if (IsPaused) Resume();
        using var cts = new CancellationTokenSource(timeout ?? DefaultStopTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException(
                $"broker did not exit within {(timeout ?? DefaultStopTimeout).TotalSeconds:0}s of SIGTERM; killed it.\n{Log}");
        }
        process.WaitForExit(); // make sure the asynchronous output readers have delivered everything
        AppendMarker($"exited after SIGTERM with code {process.ExitCode}");
        return process.ExitCode;
    }

    /// <summary>Starts the broker again on the same port and data directory (it must not be running); also the first start after <see cref="Create"/>.</summary>
    public Task RestartAsync()
    {
        if (IsRunning) throw new InvalidOperationException("broker is still running; Kill() or StopAsync() first");
        return StartProcessAsync();
    }

    /// <summary>
    /// Waits until the broker answers an ApiVersions request (it binds its listeners before it has finished starting and
    /// holds requests until then, so a bare TCP connect is not enough); fails with the captured log on timeout or early exit.
    /// </summary>
    public async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process is null || _process.HasExited)
            {
                _process?.WaitForExit();
                throw new InvalidOperationException(
                    $"broker exited (code {_process?.ExitCode}) before listening on {Host}:{ReadinessPort}.\n--- broker log ---\n{Log}");
            }
            if (await IsServingAsync().ConfigureAwait(false)) return;
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"broker did not answer ApiVersions on {Host}:{ReadinessPort} within {timeout.TotalSeconds:0}s.\n--- broker log ---\n{Log}");
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process?.Dispose();
        TempDirectories.TryDelete(RootDirectory);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task StartProcessAsync()
    {
        _process?.Dispose();
        IsPaused = false;
        _generation++;
        var launcher = _options.Launcher;
        AppendMarker($"start #{_generation}: {string.Concat(launcher.Select(l => l + " "))}dotnet {_brookDll} " +
            string.Join(' ', _overrides.Select(o => $"--override {o.Key}={o.Value}")));

        // A launcher (e.g. "ip netns exec <name>") must exec the broker in place, so the process id stays the broker's.
        var psi = new ProcessStartInfo(launcher.Count > 0 ? launcher[0] : DotnetHostPath())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = RootDirectory,
        };
        foreach (var argument in launcher.Skip(1)) psi.ArgumentList.Add(argument);
        if (launcher.Count > 0) psi.ArgumentList.Add(DotnetHostPath());
        psi.ArgumentList.Add(_brookDll);
        foreach (var (key, value) in _overrides)
        {
            psi.ArgumentList.Add("--override");
            psi.ArgumentList.Add($"{key}={value}");
        }
        // Keep the child's console output plain so assertions on log text are not tripped by ANSI colour codes.
        psi.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false";
        psi.Environment["NO_COLOR"] = "1";

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => AppendLine("out", e.Data);
        process.ErrorDataReceived += (_, e) => AppendLine("err", e.Data);
        if (!process.Start()) throw new InvalidOperationException("could not start the broker process");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        await WaitUntilListeningAsync(_options.StartupTimeout ?? StartupTimeout).ConfigureAwait(false);
    }

    private Task<bool> IsServingAsync() => AnswersApiVersionsAsync(Host, ReadinessPort);

    /// <summary>True when host:port answers an ApiVersions request without error (a node that serves, not just listens).</summary>
    internal static async Task<bool> AnswersApiVersionsAsync(string host, int port)
    {
        try
        {
            using var client = await Wire.ProtocolClient.ConnectAsync(System.Net.IPAddress.Parse(host), port).ConfigureAwait(false);
            var versions = await client.SendAsync<Brook.Protocol.Messages.ApiVersionsRequest, Brook.Protocol.Messages.ApiVersionsResponse>(
                new Brook.Protocol.Messages.ApiVersionsRequest { ClientSoftwareName = "brook-tests", ClientSoftwareVersion = "1.0" }, 3,
                TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            return versions.ErrorCode == 0;
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or OperationCanceledException or InvalidDataException)
        {
            return false;
        }
    }

    private void AppendLine(string stream, string? line)
    {
        if (line is null) return; // end of stream
        lock (_logLock) _log.Append('[').Append(stream).Append("] ").AppendLine(line);
    }

    private void AppendMarker(string text)
    {
        lock (_logLock) _log.Append("=== ").Append(DateTime.UtcNow.ToString("HH:mm:ss.fff")).Append(' ').Append(text).AppendLine(" ===");
    }

    /// <summary>The dotnet host that runs brook.dll (also used to run <c>brook storage</c>).</summary>
    internal static string DotnetHostPath()
    {
        // Prefer the exact host running the tests (same SDK/runtime), then what the SDK advertises, then PATH.
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet") return current;
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk)) return fromSdk;
        return "dotnet";
    }

    private static KeyValuePair<string, string> ParseOverride(string keyValue)
    {
        var eq = keyValue.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"override must be key=value: '{keyValue}'", nameof(keyValue));
        return new(keyValue[..eq], keyValue[(eq + 1)..]);
    }
}

/// <summary>How <see cref="BrokerProcess.Create"/> sets up a broker beyond its overrides (cluster nodes, namespaces).</summary>
public sealed record BrokerProcessOptions
{
    /// <summary>The address of the default listener and of the readiness probe (an IP literal).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The client port; a free loopback port when null.</summary>
    public int? Port { get; init; }

    /// <summary>The port whose ApiVersions answer means "started" (e.g. the controller listener); <see cref="Port"/> when null.</summary>
    public int? ReadinessPort { get; init; }

    /// <summary>A command that execs the broker in place, e.g. ["ip", "netns", "exec", "brookit-7"]; empty runs dotnet directly.</summary>
    public IReadOnlyList<string> Launcher { get; init; } = [];

    /// <summary>How long a start may take before it fails with the log (30 s when null).</summary>
    public TimeSpan? StartupTimeout { get; init; }

    /// <summary>Log directories after <see cref="BrokerProcess.DataDirectory"/> in log.dirs (JBOD); none by default.</summary>
    public IReadOnlyList<string> ExtraLogDirs { get; init; } = [];
}
