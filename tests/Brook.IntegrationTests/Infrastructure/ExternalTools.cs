using System.Diagnostics;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// The third-party Kafka clients the compatibility tests drive: kcat (Debian package, built on the system librdkafka)
/// and kafka-python (Debian python3-kafka, importable only by the system interpreter /usr/bin/python3, not by a pyenv
/// or venv python that may come first on PATH).
/// </summary>
public static class ExternalTools
{
    public const string KcatPath = "/usr/bin/kcat";
    public const string SystemPython = "/usr/bin/python3";
    public const string InstallHint = "install with: apt-get install -y python3-kafka kcat (scripts/test.sh does this when run as root)";

    private static readonly Lazy<bool> KcatPresent = new(() => File.Exists(KcatPath));
    private static readonly Lazy<bool> KafkaPythonPresent = new(ProbeKafkaPython);

    public static bool KcatAvailable => KcatPresent.Value;

    public static bool KafkaPythonAvailable => KafkaPythonPresent.Value;

    private static bool ProbeKafkaPython()
    {
        if (!File.Exists(SystemPython)) return false;
        try
        {
            var result = ProcessRunner.RunAsync(SystemPython, ["-c", "import kafka"], timeout: TimeSpan.FromSeconds(20))
                .GetAwaiter().GetResult();
            return result.ExitCode == 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return false;
        }
    }
}

/// <summary>A [Fact] that is skipped, with a reason naming the fix, when /usr/bin/kcat is missing.</summary>
public sealed class KcatFactAttribute : FactAttribute
{
    public KcatFactAttribute()
    {
        if (!ExternalTools.KcatAvailable) Skip = $"{ExternalTools.KcatPath} not found; {ExternalTools.InstallHint}";
    }
}

/// <summary>A [Fact] that is skipped, with a reason naming the fix, when /usr/bin/python3 cannot import kafka.</summary>
public sealed class KafkaPythonFactAttribute : FactAttribute
{
    public KafkaPythonFactAttribute()
    {
        if (!ExternalTools.KafkaPythonAvailable) Skip = $"{ExternalTools.SystemPython} cannot 'import kafka'; {ExternalTools.InstallHint}";
    }
}

/// <summary>Result of a finished child process.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>Runs a command to completion with optional stdin, capturing output; kills it on timeout.</summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, string? standardInput = null,
        TimeSpan? timeout = null, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            if (standardInput is not null) await process.StandardInput.WriteAsync(standardInput).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The tool exited without reading its input (e.g. bad arguments); its exit code and stderr tell why.
        }

        var limit = timeout ?? TimeSpan.FromSeconds(60);
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
            throw new TimeoutException(
                $"{fileName} {string.Join(' ', psi.ArgumentList)} did not finish within {limit.TotalSeconds:0}s\n" +
                $"--- stdout ---\n{await stdout.ConfigureAwait(false)}\n--- stderr ---\n{await stderr.ConfigureAwait(false)}");
        }
        return new ProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
