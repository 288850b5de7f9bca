using System.Diagnostics;
using System.Text;

namespace Brook.Examples.Outbox.Tests;

/// <summary>The example's executable (`brook-outbox relay ...`) as a separate process, so the test can kill it for real.</summary>
public sealed class RelayProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RelayProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>What the process printed so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts `relay` with the given extra arguments.</summary>
    public static RelayProcess Start(string bootstrapServers, string connectionString, params string[] arguments)
    {
        var dll = Path.Combine(RelayOutputDirectory(), "Brook.Examples.Outbox.dll");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { dll, "relay", "--bootstrap-servers", bootstrapServers, "--connection-string", connectionString }.Concat(arguments))
            psi.ArgumentList.Add(a);
        return new RelayProcess(Process.Start(psi) ?? throw new InvalidOperationException("cannot start the relay"));
    }

    /// <summary>
    /// The relay project's own output directory (…/Brook.Examples.Outbox/bin/&lt;configuration&gt;/&lt;tfm&gt;), next to this
    /// test project's: its copy in the test's output would resolve its dependencies against the test's, which differ.
    /// </summary>
    private static string RelayOutputDirectory()
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!;
        var projects = configuration.Parent!.Parent!.Parent!;
        var directory = Path.Combine(projects.FullName, "Brook.Examples.Outbox", "bin", configuration.Name, tfm.Name);
        return Directory.Exists(directory) ? directory : throw new DirectoryNotFoundException($"build the relay first: {directory} is missing");
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the relay did not exit within {timeout.TotalSeconds:0} s. Output:\n{Output}");
        }
        _process.WaitForExit(); // drains the output handlers
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, as a crash: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
