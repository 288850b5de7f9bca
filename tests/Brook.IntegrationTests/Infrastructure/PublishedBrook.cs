using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// The self-contained <c>bin/brook</c> of the tarball scripts/publish.sh builds (and the container image packages):
/// $BROOK_PUBLISHED_BROOK (scripts/test.sh publishes and sets it), else the newest artifacts/dist/brook-*/bin/brook.
/// </summary>
public static class PublishedBrook
{
    public const string PathVariable = "BROOK_PUBLISHED_BROOK";

    /// <summary>Set to 1 (as .ci/run does) to fail rather than skip the published-binary tests when there is no binary.</summary>
    public const string RequireVariable = "BROOK_REQUIRE_PUBLISHED";

    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The executable, or null when none was published.</summary>
    public static string? ExecutablePath => Found.Value;

    /// <summary>True when a missing binary must fail the tests: $BROOK_REQUIRE_PUBLISHED=1 or $CI set.</summary>
    public static bool Required =>
        Environment.GetEnvironmentVariable(RequireVariable) == "1"
        || Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "false" && ci != "0";

    /// <summary>The executable; fails the test with the publish hint when there is none.</summary>
    public static string Executable => ExecutablePath ?? throw new FileNotFoundException(
        $"no published brook: run scripts/publish.sh (or set {PathVariable}); scripts/test.sh does this before the tests");

    /// <summary>The tarball's top directory (bin/, config/, LICENSE, README.md).</summary>
    public static string DistributionDirectory => Path.GetDirectoryName(Path.GetDirectoryName(Executable))!;

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } set)
            return File.Exists(set) ? Path.GetFullPath(set) : null;
        var dist = Path.Combine(RepoPaths.RepoRoot, "artifacts", "dist");
        if (!Directory.Exists(dist)) return null;
        return Directory.EnumerateDirectories(dist, "brook-*")
            .Select(d => Path.Combine(d, "bin", "brook"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
    }
}

/// <summary>A [Fact] skipped (with the publish hint) when no published brook exists, unless <see cref="PublishedBrook.Required"/>.</summary>
public sealed class PublishedBrookFactAttribute : FactAttribute
{
    public PublishedBrookFactAttribute()
    {
        if (PublishedBrook.ExecutablePath is null && !PublishedBrook.Required)
            Skip = $"no published brook; run scripts/publish.sh (or set {PublishedBrook.PathVariable})";
    }
}

/// <summary>
/// One run of the published executable as a user (or the container engine) starts it: given arguments, exactly the
/// given environment (nothing of the test process's, so no SDK and no DOTNET_* leak in), a working directory.
/// </summary>
public sealed class PublishedBrookProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly Stopwatch _sinceStart;

    private PublishedBrookProcess(Process process, Stopwatch sinceStart)
    {
        _process = process;
        _sinceStart = sinceStart;
    }

    /// <summary>What the process wrote so far (stdout and stderr, interleaved).</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The minimal environment of a fresh login: PATH without any .NET, HOME, and the bundle extraction directory.</summary>
    public static Dictionary<string, string> BareEnvironment(string home) => new()
    {
        ["PATH"] = "/usr/local/bin:/bin",
        ["HOME"] = home,
        ["NO_COLOR"] = "1",
        ["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false",
    };

    public static PublishedBrookProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var psi = new ProcessStartInfo(PublishedBrook.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments) psi.ArgumentList.Add(argument);
        psi.Environment.Clear();
        foreach (var (name, value) in environment) psi.Environment[name] = value;

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var started = Stopwatch.StartNew();
        var result = new PublishedBrookProcess(process, started);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        if (!process.Start()) throw new InvalidOperationException("could not start " + psi.FileName);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Runs the executable to completion (a CLI verb, healthcheck); kills it after <paramref name="timeout"/>.</summary>
    public static async Task<ProcessResult> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, TimeSpan timeout)
    {
        await using var run = Start(arguments, environment, workingDirectory);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await run._process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"brook {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s\n{run.Log}");
        }
        run._process.WaitForExit();
        return new ProcessResult(run._process.ExitCode, run.Log, "");
    }

    /// <summary>Waits until host:port accepts a TCP connection; returns the time since the process was started.</summary>
    public async Task<TimeSpan> WaitUntilAcceptingAsync(string host, int port, TimeSpan timeout)
    {
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"brook exited with code {_process.ExitCode} before accepting on {host}:{port}\n{Log}");
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Parse(host), port);
                return _sinceStart.Elapsed;
            }
            catch (SocketException) { }
            if (_sinceStart.Elapsed > timeout) throw new TimeoutException($"brook did not accept on {host}:{port} within {timeout.TotalSeconds:0} s\n{Log}");
            await Task.Delay(10);
        }
    }

    /// <summary>Waits until the node answers ApiVersions on host:port (it serves, not just listens).</summary>
    public async Task WaitUntilServingAsync(string host, int port, TimeSpan timeout)
    {
        while (true)
        {
            await WaitUntilAcceptingAsync(host, port, timeout);
            if (await BrokerProcess.AnswersApiVersionsAsync(host, port)) return;
            if (_sinceStart.Elapsed > timeout) throw new TimeoutException($"brook did not serve on {host}:{port} within {timeout.TotalSeconds:0} s\n{Log}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGTERM, as `docker stop` and Ctrl+C send; returns the exit code once the process has exited.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited) Signals.Terminate(_process.Id);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            throw new TimeoutException($"brook did not exit within {timeout.TotalSeconds:0} s of SIGTERM\n{Log}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }
}
