using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// A real Prometheus (Debian's /usr/bin/prometheus) running as a child process that scrapes one target, so the metrics
/// tests check that Brook's /metrics endpoint is accepted by the actual parser rather than by our own reading of the format.
/// </summary>
/// <remarks>
/// Each instance has its own temporary directory (config and TSDB) and a free loopback port for its HTTP API. Prometheus
/// applies discovered targets in batches (every 5 s in 2.x), so the target shows up in <see cref="TargetHealthAsync"/> and
/// its series in <see cref="QueryScalarAsync"/> a few seconds after <see cref="StartAsync"/> returns: poll with
/// <see cref="Eventually"/>. Disposal kills the process and deletes the directory.
/// </remarks>
public sealed class PrometheusServer : IAsyncDisposable
{
    /// <summary>Where Debian's prometheus package installs the server.</summary>
    public const string PrometheusPath = "/usr/bin/prometheus";

    /// <summary>How to get <see cref="PrometheusPath"/>.</summary>
    public const string InstallHint = "install with: apt-get install -y prometheus (scripts/test.sh does this when run as root)";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly object _logLock = new();
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http;
    private Process? _process;
    private bool _disposed;

    private PrometheusServer(string rootDirectory, int port)
    {
        RootDirectory = rootDirectory;
        Port = port;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = RequestTimeout };
    }

    /// <summary>True when <see cref="PrometheusPath"/> exists.</summary>
    public static bool IsAvailable => File.Exists(PrometheusPath);

    /// <summary>The loopback port of the Prometheus HTTP API.</summary>
    public int Port { get; }

    /// <summary>Temporary directory holding prometheus.yml and the TSDB (working directory of the process).</summary>
    public string RootDirectory { get; }

    /// <summary>The lastError of the first active target as seen by the latest <see cref="TargetHealthAsync"/> ("" when none).</summary>
    public string LastTargetError { get; private set; } = "";

    /// <summary>Everything Prometheus printed on stdout and stderr so far, for failure messages.</summary>
    public string Log
    {
        get { lock (_logLock) return _log.ToString(); }
    }

    /// <summary>
    /// Writes a config scraping <paramref name="scrapeTarget"/> ("host:port") at <paramref name="metricsPath"/> every
    /// <paramref name="scrapeInterval"/> (1 s by default), starts Prometheus and waits until /-/ready answers 200.
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(string scrapeTarget, string metricsPath = "/metrics", TimeSpan? scrapeInterval = null)
    {
        // Fail rather than hang or skip here: a test that got this far was not skipped by PrometheusFactAttribute.
        if (!IsAvailable) throw new InvalidOperationException($"{PrometheusPath} not found; {InstallHint}");

        var root = Path.Combine(Path.GetTempPath(), "brook-it", $"prometheus-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var server = new PrometheusServer(root, FreePort.Pick());
        try
        {
            await server.StartProcessAsync(scrapeTarget, metricsPath, scrapeInterval ?? TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Evaluates <paramref name="promql"/> now and returns the first sample's value (vector or scalar results), or null
    /// when the result is empty (e.g. the series has not been scraped yet).
    /// </summary>
    public async Task<double?> QueryScalarAsync(string promql)
    {
        using var document = await GetApiAsync($"api/v1/query?query={Uri.EscapeDataString(promql)}").ConfigureAwait(false);
        var data = document.RootElement.GetProperty("data");
        var resultType = data.GetProperty("resultType").GetString();
        var result = data.GetProperty("result");
        switch (resultType)
        {
            case "scalar":
                // [ <unix time>, "<value>" ]
                return ParseSampleValue(result[1].GetString());
            case "vector":
                if (result.GetArrayLength() == 0) return null;
                return ParseSampleValue(result[0].GetProperty("value")[1].GetString());
            default:
                throw new InvalidOperationException($"query '{promql}' gave a {resultType} result; expected a vector or scalar: {result}");
        }
    }

    /// <summary>
    /// Health of the first active target ("up", "down" or "unknown"; "unknown" also before Prometheus has picked the
    /// target up). Its lastError is kept in <see cref="LastTargetError"/> for the failure message.
    /// </summary>
    public async Task<string> TargetHealthAsync()
    {
        using var document = await GetApiAsync("api/v1/targets?state=active").ConfigureAwait(false);
        var targets = document.RootElement.GetProperty("data").GetProperty("activeTargets");
        if (targets.GetArrayLength() == 0)
        {
            LastTargetError = "";
            return "unknown";
        }
        var target = targets[0];
        LastTargetError = target.TryGetProperty("lastError", out var error) ? error.GetString() ?? "" : "";
        return target.GetProperty("health").GetString() ?? "unknown";
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        _http.Dispose();
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            process.Dispose();
        }
        TempDirectories.TryDelete(RootDirectory);
    }

    private async Task StartProcessAsync(string scrapeTarget, string metricsPath, TimeSpan scrapeInterval)
    {
        var configPath = Path.Combine(RootDirectory, "prometheus.yml");
        var interval = $"{(long)Math.Max(1, scrapeInterval.TotalMilliseconds)}ms";
        // The scrape timeout defaults to the interval when the interval is below 10 s, so it needs no setting here.
        await File.WriteAllTextAsync(configPath, $"""
            global:
              scrape_interval: {interval}
              evaluation_interval: {interval}
            scrape_configs:
              - job_name: brook
                metrics_path: {YamlQuote(metricsPath)}
                static_configs:
                  - targets: [{YamlQuote(scrapeTarget)}]

            """).ConfigureAwait(false);

        var psi = new ProcessStartInfo(PrometheusPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = RootDirectory,
        };
        psi.ArgumentList.Add($"--config.file={configPath}");
        psi.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(RootDirectory, "data")}");
        psi.ArgumentList.Add($"--web.listen-address=127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");
        AppendLine("cmd", $"{PrometheusPath} {string.Join(' ', psi.ArgumentList)}");

        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => AppendLine("out", e.Data);
        process.ErrorDataReceived += (_, e) => AppendLine("err", e.Data);
        if (!process.Start()) throw new InvalidOperationException($"could not start {PrometheusPath}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        await WaitUntilReadyAsync().ConfigureAwait(false);
    }

    private async Task WaitUntilReadyAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process is null || _process.HasExited)
            {
                _process?.WaitForExit(); // drains the redirected output into the log
                throw new InvalidOperationException(
                    $"prometheus exited (code {_process?.ExitCode}) before it was ready on port {Port}.\n--- prometheus log ---\n{Log}");
            }
            try
            {
                // /-/ready answers 503 until the TSDB is open and the config is loaded.
                using var response = await _http.GetAsync(new Uri("-/ready", UriKind.Relative)).ConfigureAwait(false);
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            if (clock.Elapsed > ReadyTimeout)
            {
                throw new TimeoutException(
                    $"prometheus was not ready on port {Port} within {ReadyTimeout.TotalSeconds:0}s.\n--- prometheus log ---\n{Log}");
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    private async Task<JsonDocument> GetApiAsync(string relativeUri)
    {
        using var response = await _http.GetAsync(new Uri(relativeUri, UriKind.Relative)).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        // A bad query is a 400 with {"status":"error","error":...}; the body says what was wrong.
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {relativeUri} answered {(int)response.StatusCode}: {body}");
        var document = JsonDocument.Parse(body);
        if (document.RootElement.GetProperty("status").GetString() != "success")
        {
            document.Dispose();
            throw new InvalidOperationException($"GET {relativeUri} failed: {body}");
        }
        return document;
    }

    private static double ParseSampleValue(string? value) => value switch
    {
        // Prometheus spells infinities the Go way, which double.Parse does not accept.
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        null => throw new InvalidOperationException("sample without a value"),
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    // Single-quoted YAML takes everything literally except the quote itself, which is doubled.
    private static string YamlQuote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private void AppendLine(string stream, string? line)
    {
        if (line is null) return; // end of stream
        lock (_logLock) _log.Append('[').Append(stream).Append("] ").AppendLine(line);
    }
}

/// <summary>
/// A [Fact] for tests that need <see cref="PrometheusServer"/>: skipped, with the reason naming the fix, when
/// /usr/bin/prometheus is missing, except in CI, where it runs and fails so a machine without it never passes quietly.
/// </summary>
public sealed class PrometheusFactAttribute : FactAttribute
{
    public PrometheusFactAttribute()
    {
        if (!PrometheusServer.IsAvailable && !NetworkNamespace.Required)
        {
            Skip = $"{PrometheusServer.PrometheusPath} not found; {PrometheusServer.InstallHint} " +
                $"(CI=true or {NetworkNamespace.RequireVariable}=1 turns this skip into a failure)";
        }
    }
}
