using System.Diagnostics;
using Brook.IntegrationTests.Infrastructure;

namespace Brook.IntegrationTests;

/// <summary>Start-up configuration: an invalid value stops the broker with a message naming the key; an unknown key only warns.</summary>
[Trait("Category", "Broker")]
public sealed class StartupConfigTests
{
    private static async Task<(int ExitCode, string Output)> RunBrookAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(RepoPaths.FindBrookDll());
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task InvalidValueStopsStartupNamingTheKey()
    {
        var dir = Path.Combine(Path.GetTempPath(), "brook-cfg-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output) = await RunBrookAsync("--override", $"log.dirs={dir}", "--override", "num.partitions=lots");
            Assert.NotEqual(0, code);
            Assert.Contains("num.partitions", output);
            Assert.Contains("lots", output);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task UnknownKeyIsAWarningAndEffectiveConfigIsLogged()
    {
        await using var broker = await BrokerProcess.StartAsync("unknown-key", [new KeyValuePair<string, string>("no.such.setting", "1")]);
        Assert.Contains("no.such.setting", broker.Log);
        Assert.Contains("config num.partitions", broker.Log);
        Assert.Contains("started", broker.Log);
        Assert.Equal(0, await broker.StopAsync());
    }
}
