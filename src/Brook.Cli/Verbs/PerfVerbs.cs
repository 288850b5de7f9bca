using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Brook.ClientSupport;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Spectre.Console;

namespace Brook.Cli.Verbs;

/// <summary>
/// <c>brook perf produce|consume</c>: kafka-producer-perf-test / kafka-consumer-perf-test with a live progress bar and a
/// final report (records/s, MB/s, produce latency percentiles), using the benchmark's method (one random payload reused,
/// latency from Produce to delivery report, sampled one record in 16).
/// </summary>
public static class PerfVerbs
{
    private const int LatencySampleEvery = 16;

    /// <summary>The <c>perf</c> command and its verbs.</summary>
    public static Command Build(GlobalOptions global)
    {
        var perf = new Command("perf", "Measure produce and consume throughput and latency against a cluster");
        perf.Add(Produce(global));
        perf.Add(Consume(global));
        return perf;
    }

    private static Command Produce(GlobalOptions global)
    {
        var topic = new Argument<string>("topic") { Description = "Topic to write to (created with --partitions when missing)" };
        var records = new Option<long>("--records", "-n") { Description = "Records to send", DefaultValueFactory = _ => 1_000_000 };
        var size = new Option<int>("--record-size", "-s") { Description = "Value size in bytes", DefaultValueFactory = _ => 100 };
        var partitions = new Option<int>("--partitions", "-p") { Description = "Partitions when the topic has to be created", DefaultValueFactory = _ => 6 };
        var acks = new Option<string>("--acks") { Description = "all, 1 or 0", DefaultValueFactory = _ => "1" };
        acks.AcceptOnlyFromAmong("all", "-1", "1", "0");
        var compression = new Option<CompressionType>("--compression") { Description = "None, Gzip, Snappy, Lz4 or Zstd", DefaultValueFactory = _ => CompressionType.None };
        var linger = new Option<double>("--linger-ms") { Description = "Producer linger.ms", DefaultValueFactory = _ => 5 };
        var batch = new Option<int?>("--batch-size") { Description = "Producer batch.size in bytes (default: librdkafka's)" };
        var throughput = new Option<long?>("--throughput") { Description = "Cap on records per second (default: as fast as possible)" };
        var command = new Command("produce", "Send N fixed-size records and report throughput and latency percentiles")
        {
            topic, records, size, partitions, acks, compression, linger, batch, throughput,
        };
        global.Handle(command, async (result, cli, cancellationToken) =>
        {
            var name = result.GetRequiredValue(topic);
            var total = result.GetValue(records);
            var recordSize = result.GetValue(size);
            var cap = result.GetValue(throughput);
            if (total < 1) throw CliException.Usage("--records must be at least 1");
            if (recordSize < 0) throw CliException.Usage("--record-size must not be negative");
            if (cap is < 1) throw CliException.Usage("--throughput must be at least 1 record per second");
            await EnsureTopicAsync(cli, name, result.GetValue(partitions));

            using var producer = cli.Producer(c =>
            {
                c.Acks = result.GetValue(acks) switch { "0" => Acks.None, "all" or "-1" => Acks.All, _ => Acks.Leader };
                c.CompressionType = result.GetValue(compression);
                c.LingerMs = result.GetValue(linger);
                if (result.GetValue(batch) is { } b) c.BatchSize = b;
                c.QueueBufferingMaxMessages = 1_000_000;
                c.QueueBufferingMaxKbytes = 1_048_576;
                c.DeliveryReportFields = "status";
            });
            var payload = new byte[recordSize];
            new Random(42).NextBytes(payload);
            var message = new Message<byte[]?, byte[]?> { Value = payload };
            var latencies = new long[total / LatencySampleEvery + 1];
            long sampled = 0, delivered = 0, failed = 0;
            string? firstError = null;
            void Count(DeliveryReport<byte[]?, byte[]?> report, long sentAt)
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failed);
                    firstError ??= $"{report.Error.Reason} ({report.Error.Code})";
                    return;
                }
                Interlocked.Increment(ref delivered);
                if (sentAt != 0) latencies[Interlocked.Increment(ref sampled) - 1] = Stopwatch.GetTimestamp() - sentAt;
            }
            Action<DeliveryReport<byte[]?, byte[]?>> unsampled = r => Count(r, 0);

            var clock = Stopwatch.StartNew();
            await WithProgressAsync(cli, $"producing to {name}", total, () => Interlocked.Read(ref delivered) + Interlocked.Read(ref failed), recordSize, () =>
            {
                for (long i = 0; i < total && !cancellationToken.IsCancellationRequested; i++)
                {
                    if (cap is { } perSecond)
                    {
                        var due = TimeSpan.FromSeconds(i / (double)perSecond);
                        if (due > clock.Elapsed) Thread.Sleep(due - clock.Elapsed);
                    }
                    var handler = unsampled;
                    if (i % LatencySampleEvery == 0)
                    {
                        var sentAt = Stopwatch.GetTimestamp();
                        handler = r => Count(r, sentAt);
                    }
                    ProducerQueue.ProduceWhenQueued(producer, name, message, handler);
                }
                while (producer.Flush(TimeSpan.FromMilliseconds(100)) > 0 && !cancellationToken.IsCancellationRequested) { }
                // Flush returns when the queue is empty; the last delivery callbacks may still be running.
                var settle = Stopwatch.StartNew();
                while (Interlocked.Read(ref delivered) + Interlocked.Read(ref failed) < total && settle.Elapsed < TimeSpan.FromSeconds(5) && !cancellationToken.IsCancellationRequested)
                    Thread.Sleep(1);
            });
            clock.Stop();

            var p = Percentiles.Compute(latencies, (int)Interlocked.Read(ref sampled), 50, 95, 99, 99.9, 100);
            var report = new PerfReport("produce", name, delivered, delivered * (long)recordSize, clock.Elapsed,
                [("p50", p[0]), ("p95", p[1]), ("p99", p[2]), ("p99.9", p[3]), ("max", p[4])], failed, firstError);
            report.Print(cli.Output);
            return failed > 0 || delivered < total ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Consume(GlobalOptions global)
    {
        var topic = new Argument<string>("topic") { Description = "Topic to read from its start" };
        var records = new Option<long>("--records", "-n") { Description = "Records to read", DefaultValueFactory = _ => 1_000_000 };
        var command = new Command("consume", "Read N records from the start of a topic and report throughput") { topic, records };
        global.Handle(command, async (result, cli, cancellationToken) =>
        {
            var name = result.GetRequiredValue(topic);
            var total = result.GetValue(records);
            if (total < 1) throw CliException.Usage("--records must be at least 1");
            using var consumer = cli.Consumer(null, c =>
            {
                c.FetchMaxBytes = 64 * 1024 * 1024;
                c.MaxPartitionFetchBytes = 8 * 1024 * 1024;
                c.QueuedMaxMessagesKbytes = 262_144;
            });
            using (var admin = cli.Admin())
            {
                var metadata = admin.GetMetadata(name, cli.Timeout).Topics.Single();
                if (metadata.Error.IsError) throw new CliException($"topic {name}: {metadata.Error.Reason} ({metadata.Error.Code})");
                consumer.Assign(metadata.Partitions.Select(p => new TopicPartitionOffset(name, p.PartitionId, Offset.Beginning)));
            }
            long read = 0, bytes = 0;
            TimeSpan? firstRecord = null;
            var clock = Stopwatch.StartNew();
            var idle = Stopwatch.StartNew();
            await WithProgressAsync(cli, $"consuming {name}", total, () => Interlocked.Read(ref read), 0, () =>
            {
                while (Interlocked.Read(ref read) < total && !cancellationToken.IsCancellationRequested && idle.Elapsed < cli.Timeout)
                {
                    var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
                    if (record is null || record.IsPartitionEOF) continue;
                    idle.Restart();
                    firstRecord ??= clock.Elapsed;
                    bytes += (record.Message.Value?.Length ?? 0) + (record.Message.Key?.Length ?? 0);
                    Interlocked.Increment(ref read);
                }
            });
            clock.Stop();
            var report = new PerfReport("consume", name, read, bytes, clock.Elapsed,
                [("first record", firstRecord?.TotalMilliseconds ?? double.NaN)], 0,
                read < total ? $"only {read} of {total} records arrived (no record for {cli.Timeout.TotalSeconds:F0} s)" : null);
            report.Print(cli.Output);
            return read < total ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    // A live bar on a terminal; elsewhere (pipes, CI logs) one progress line on stderr every two seconds.
    private static async Task WithProgressAsync(CliContext cli, string what, long total, Func<long> done, int recordSize, Action work)
    {
        var worker = Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (cli.Output.Interactive && !cli.Output.Json)
        {
            await cli.Output.Ansi.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new TransferSpeedColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(what, maxValue: total);
                    while (!worker.IsCompleted)
                    {
                        task.Value = done();
                        await Task.WhenAny(worker, Task.Delay(100));
                    }
                    task.Value = done();
                });
        }
        else
        {
            var clock = Stopwatch.StartNew();
            while (!worker.IsCompleted)
            {
                await Task.WhenAny(worker, Task.Delay(TimeSpan.FromSeconds(2)));
                if (worker.IsCompleted) break;
                var count = done();
                cli.Output.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{what}: {count:N0}/{total:N0} records ({100.0 * count / total:F0}%), {count / clock.Elapsed.TotalSeconds:N0} records/s{(recordSize > 0 ? $", {count * (double)recordSize / 1048576 / clock.Elapsed.TotalSeconds:F1} MB/s" : "")}"));
            }
        }
        await worker;
    }

    private static async Task EnsureTopicAsync(CliContext cli, string topic, int partitions)
    {
        using var admin = cli.Admin();
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = -1 }],
                new CreateTopicsOptions { RequestTimeout = cli.Timeout, OperationTimeout = cli.Timeout });
            cli.Output.Error.WriteLine($"brook: created topic {topic} with {partitions} partitions");
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
        {
        }
    }

    /// <summary>The final numbers of one perf run.</summary>
    private sealed record PerfReport(string Kind, string Topic, long Records, long Bytes, TimeSpan Elapsed,
        IReadOnlyList<(string Name, double Milliseconds)> Latencies, long Failed, string? Error)
    {
        public void Print(CliOutput output)
        {
            var seconds = Math.Max(Elapsed.TotalSeconds, 1e-9);
            var recordsPerSecond = Records / seconds;
            var megabytesPerSecond = Bytes / 1048576.0 / seconds;
            if (output.Json)
            {
                var latency = new JsonObject();
                foreach (var (name, ms) in Latencies) latency[name] = double.IsNaN(ms) ? null : Math.Round(ms, 3);
                output.Document(new JsonObject
                {
                    ["test"] = Kind,
                    ["topic"] = Topic,
                    ["records"] = Records,
                    ["bytes"] = Bytes,
                    ["elapsed_seconds"] = Math.Round(seconds, 3),
                    ["records_per_second"] = Math.Round(recordsPerSecond, 1),
                    ["mb_per_second"] = Math.Round(megabytesPerSecond, 3),
                    ["latency_ms"] = latency,
                    ["failed"] = Failed,
                    ["error"] = Error,
                });
            }
            else
            {
                var rows = new List<IReadOnlyList<string>>
                {
                    new[] { "Records", Records.ToString("N0", CultureInfo.InvariantCulture) },
                    new[] { "Elapsed", string.Create(CultureInfo.InvariantCulture, $"{seconds:F2} s") },
                    new[] { "Records/s", recordsPerSecond.ToString("N0", CultureInfo.InvariantCulture) },
                    new[] { "MB/s", megabytesPerSecond.ToString("F2", CultureInfo.InvariantCulture) },
                };
                foreach (var (name, ms) in Latencies)
                    rows.Add([$"Latency {name}", double.IsNaN(ms) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{ms:F2} ms")]);
                if (Failed > 0) rows.Add(["Failed", Failed.ToString(CultureInfo.InvariantCulture)]);
                output.Table([$"{Kind.ToUpperInvariant()} {Topic}", "RESULT"], rows);
            }
            if (Error is not null) output.Error.WriteLine($"brook: {Error}");
        }
    }
}
