using System.Diagnostics;
using System.Globalization;
using Brook.Testing;

namespace Brook.Bench;

/// <summary>
/// "embedded": Brook.Testing's start-up as a test suite sees it. Each run is a fresh process ("embedded-once"), since
/// the first broker of a process pays for JIT compiling the broker: it reports that first start, the median of five
/// more (warm), the first topic's creation, and a three-node cluster's start and disposal.
/// </summary>
public static class EmbeddedStartupBenchmark
{
    private const string ResultPrefix = "embedded-result ";
    private static readonly string[] Columns = ["first broker", "warm broker", "first topic", "3-node cluster", "cluster disposal"];

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var entry = Environment.GetCommandLineArgs()[0];
        var samples = Columns.Select(_ => new List<double>()).ToArray();
        for (var run = 0; run < options.Runs; run++)
        {
            // Under `dotnet brook-bench.dll` the process path is dotnet itself and the assembly comes first.
            var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
            if (entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) psi.ArgumentList.Add(entry);
            psi.ArgumentList.Add("embedded-once");
            using var child = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + self);
            var output = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal));
            if (child.ExitCode != 0 || line is null)
            {
                Console.Error.WriteLine($"error: run {run + 1} failed (exit {child.ExitCode}):\n{output}");
                return 1;
            }
            var values = line[ResultPrefix.Length..].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            for (var i = 0; i < Columns.Length; i++) samples[i].Add(values[i]);
            Console.WriteLine($"run {run + 1}: {string.Join(", ", Columns.Select((c, i) => $"{c} {values[i]:0} ms"))}");
        }
        for (var i = 0; i < Columns.Length; i++)
        {
            var sorted = samples[i].Order().ToList();
            Console.WriteLine($"{Columns[i]}: min {sorted[0]:0} / median {sorted[sorted.Count / 2]:0} / max {sorted[^1]:0} ms");
        }
        return 0;
    }

    /// <summary>One fresh process's measurements, printed as one line for <see cref="RunAsync"/>.</summary>
    public static async Task<int> RunOnceAsync()
    {
        var clock = Stopwatch.StartNew();
        double first, topic;
        await using (var broker = await BrookTestBroker.StartAsync())
        {
            first = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            await broker.CreateTopicAsync("first");
            topic = clock.Elapsed.TotalMilliseconds;
        }
        var warm = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            clock.Restart();
            await using var broker = await BrookTestBroker.StartAsync();
            warm.Add(clock.Elapsed.TotalMilliseconds);
        }
        clock.Restart();
        var cluster = await BrookTestCluster.StartAsync();
        var clusterStart = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        await cluster.DisposeAsync();
        var clusterStop = clock.Elapsed.TotalMilliseconds;
        double[] values = [first, warm.Order().ElementAt(2), topic, clusterStart, clusterStop];
        Console.WriteLine(ResultPrefix + string.Join(' ', values.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture))));
        return 0;
    }
}
