using Brook.Bench;

// Entry point: parse options, optionally start a local broker, run the chosen benchmark(s).
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"error: {ex.Message}\n");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

Librdkafka.EnsureLoaded();
Console.WriteLine($"librdkafka {Confluent.Kafka.Library.VersionString} from {Librdkafka.LoadedPath}");

LocalBroker? broker = null;
try
{
    if (options.FillPageCache) PageCacheBallast.Fill();
    if (options.StartBroker)
    {
        try
        {
            broker = await LocalBroker.StartAsync(options.Brokers, options.Binary);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"error: could not start a local broker: {ex.Message}");
            return 1;
        }
        options.Bootstrap = broker.BootstrapServers;
    }

    var exit = 0;
    var diskDirectory = broker?.RootDirectory ?? Path.GetTempPath();
    double? ddBefore = options.DiskBaseline ? DiskBaseline.Measure(diskDirectory) : null;
    if (options.Command is "produce" or "all") exit |= await ProduceBenchmark.RunAsync(options);
    if (options.DiskBaseline && DiskBaseline.Measure(diskDirectory) is { } ddAfter && ddBefore is { } before)
        Console.WriteLine($"  disk baseline before / after: {before:F1} / {ddAfter:F1} MB/s (mean {(before + ddAfter) / 2:F1})");
    if (options.Command is "latency") exit |= await LatencyBenchmark.RunAsync(options);
    if (options.Command is "consume" or "all") exit |= ConsumeBenchmark.Run(options);
    if (options.Command is "commit") exit |= await GroupBenchmarks.CommitAsync(options);
    if (options.Command is "rebalance") exit |= await GroupBenchmarks.RebalanceAsync(options);
    if (options.Command is "txn") exit |= await TransactionBenchmark.RunAsync(options);
    if (options.Command is "failover") exit |= await FailoverBenchmark.RunAsync(options, broker);
    if (options.Command is "startup") exit |= await StartupBenchmark.RunAsync(options);
    if (options.Command is "embedded") exit |= await EmbeddedStartupBenchmark.RunAsync(options);
    if (options.Command is "embedded-once") exit |= await EmbeddedStartupBenchmark.RunOnceAsync();
    if (options.Command is "reassign") exit |= await ReassignmentBenchmark.RunAsync(options, broker);
    return exit;
}
finally
{
    broker?.Dispose();
}
