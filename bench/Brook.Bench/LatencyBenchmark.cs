using System.Diagnostics;
using Confluent.Kafka;

namespace Brook.Bench;

/// <summary>
/// End-to-end latency (producer → broker → consumer) of a probe stream at a fixed message rate, optionally while a
/// background producer loads the broker at a fixed byte rate: the scenario where a page cache that flushes in bursts
/// shows up as a tail. Each probe record carries its send time; the consumer subtracts it on receipt (one process, one
/// clock). Prints p50/p99/p99.9/max, a latency histogram, and writes an SVG plot of latency over time.
/// </summary>
public static class LatencyBenchmark
{
    private const string ProbeTopic = "latency-probe";
    private const string BackgroundTopic = "latency-background";
    /// <summary>Width of one point of the plot over time.</summary>
    private const double WindowSeconds = 0.1;

    public static async Task<int> RunAsync(BenchOptions o)
    {
        await ProduceBenchmark.EnsureTopicAsync(o, ProbeTopic, 1).ConfigureAwait(false);
        if (o.BackgroundMBps > 0) await ProduceBenchmark.EnsureTopicAsync(o, BackgroundTopic, o.Partitions).ConfigureAwait(false);
        var size = Math.Max(o.RecordSize, sizeof(long));
        var total = (long)(o.ProbeRate * (o.WarmupSeconds + o.DurationSeconds));
        Console.WriteLine($"latency: probe {o.ProbeRate:N0} msg/s x {size} B (acks={ProduceBenchmark.AcksText(o.Acks)}, linger.ms=0) for " +
                          $"{o.DurationSeconds} s after {o.WarmupSeconds} s of warm-up; background " +
                          (o.BackgroundMBps > 0 ? $"{o.BackgroundMBps} MB/s x {size} B acks=1 to {o.Partitions} partitions" : "none (idle broker)"));

        using var stop = new CancellationTokenSource();
        var background = o.BackgroundMBps > 0 ? StartBackground(o, size, stop.Token) : null;
        var samples = new RawSample[total];
        var received = 0L;
        var consumer = new Thread(() => Consume(o, samples, ref received, stop.Token)) { Name = "latency-consumer", IsBackground = true };
        consumer.Start();
        // Give the consumer its assignment before the first probe: it starts from the end of the partition.
        await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);

        var probeStart = Stopwatch.GetTimestamp();
        var acks = new long[total];
        var sent = ProduceProbes(o, size, total, acks, out var acked);
        var drainUntil = Stopwatch.StartNew();
        while (Interlocked.Read(ref received) < sent && drainUntil.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        consumer.Join();
        var backgroundResult = background is null ? null : await background.ConfigureAwait(false);

        var count = (int)Math.Min(Interlocked.Read(ref received), samples.Length);
        var measured = samples.AsSpan(0, count).ToArray()
            .Select(s => new Sample((s.SentAtTicks - probeStart) / (double)Stopwatch.Frequency, s.LatencyTicks))
            .Where(s => s.SentAtSeconds >= o.WarmupSeconds).ToArray();
        if (backgroundResult is { } b) Console.WriteLine($"  background: {b.Records:N0} records, {b.MBps:F1} MB/s achieved ({b.Failed:N0} failed)");
        Console.WriteLine($"  probe: {sent:N0} sent, {count:N0} received, {measured.Length:N0} measured (after warm-up)");
        if (measured.Length == 0)
        {
            Console.WriteLine("  FAILED: no probe record came back");
            return 1;
        }
        var ticks = measured.Select(s => s.LatencyTicks).ToArray();
        var p = PrintPercentiles("end-to-end latency", ticks);
        // The produce half alone: a tail here and not above is the fetch side's (wake-ups), the reverse the produce side's.
        var firstMeasured = (int)Math.Min(acked, (long)(o.ProbeRate * o.WarmupSeconds));
        if (acked > firstMeasured) PrintPercentiles("produce ack latency", acks.AsSpan(firstMeasured, (int)(acked - firstMeasured)).ToArray());
        PrintHistogram(ticks);
        var plot = o.PlotPath ?? Path.Combine(Environment.CurrentDirectory, "latency.svg");
        LatencyPlot.Write(plot, measured, WindowSeconds,
            $"end-to-end latency, {o.ProbeRate:N0} msg/s x {size} B; background {(o.BackgroundMBps > 0 ? $"{o.BackgroundMBps} MB/s" : "none")}; p50 {p[0]:F2} p99 {p[1]:F2} p99.9 {p[2]:F2} max {p[3]:F2} ms");
        var worst = measured.GroupBy(s => (int)(s.SentAtSeconds / WindowSeconds))
            .Select(g => (Seconds: g.Key * WindowSeconds, Max: Percentiles.TicksToMs(g.Max(s => s.LatencyTicks)))).OrderByDescending(w => w.Max).Take(5);
        Console.WriteLine($"  slowest windows: {string.Join(", ", worst.Select(w => $"{w.Max:F1} ms at {w.Seconds:F1} s"))}");
        Console.WriteLine($"  plot of latency over time ({WindowSeconds * 1000:F0} ms windows: p50, p99, max): {plot}");
        var lost = sent - count;
        if (lost > 0 || backgroundResult is { Failed: > 0 })
        {
            Console.WriteLine($"  FAILED: {lost:N0} probe records not received, {backgroundResult?.Failed ?? 0:N0} background records failed");
            return 1;
        }
        return 0;
    }

    /// <summary>Prints p50/p99/p99.9/max in ms of <paramref name="ticks"/> (sorted in place) and returns them.</summary>
    private static double[] PrintPercentiles(string label, long[] ticks)
    {
        var p = Percentiles.Compute(ticks, ticks.Length, 50, 99, 99.9, 100);
        Console.WriteLine($"  {label} ms: p50 {p[0]:F2}  p99 {p[1]:F2}  p99.9 {p[2]:F2}  max {p[3]:F2}");
        return p;
    }

    /// <summary>One received probe: when it was sent (seconds since the run started) and how long it took to arrive.</summary>
    internal readonly record struct Sample(double SentAtSeconds, long LatencyTicks);

    /// <summary>A probe as the consumer records it: the raw send timestamp and the latency, both in Stopwatch ticks.</summary>
    private readonly record struct RawSample(long SentAtTicks, long LatencyTicks);

    private sealed record BackgroundResult(long Records, long Failed, double MBps);

    /// <summary>
    /// Sends the probes at <see cref="BenchOptions.ProbeRate"/>, each stamped with its send time; returns how many were
    /// acknowledged. <paramref name="ackTicks"/>[i] receives probe i's send-to-delivery-report time: librdkafka reports
    /// one partition's deliveries in send order, so the i-th report belongs to the i-th probe.
    /// </summary>
    private static long ProduceProbes(BenchOptions o, int size, long total, long[] ackTicks, out long acked)
    {
        var sentTicks = new long[total];
        var reported = 0L;
        var config = new ProducerConfig
        {
            BootstrapServers = o.Bootstrap,
            Acks = o.Acks,
            LingerMs = 0,
            DeliveryReportFields = "status",
        };
        var payload = new byte[size];
        var message = new Message<Null, byte[]> { Value = payload };
        var failed = 0L;
        string? firstError = null;
        Action<DeliveryReport<Null, byte[]>> handler = r =>
        {
            var index = reported++; // delivery reports run on the one poll thread
            if (index < ackTicks.Length) ackTicks[index] = Stopwatch.GetTimestamp() - Volatile.Read(ref sentTicks[index]);
            if (!r.Error.IsError) return;
            Interlocked.Increment(ref failed);
            firstError ??= r.Error.ToString();
        };
        var destination = new TopicPartition(ProbeTopic, 0);
        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        var pacer = ProducePacer.RecordsPerSecond(o.ProbeRate);
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < total; i++)
        {
            pacer.WaitTurn(i, clock);
            var now = Stopwatch.GetTimestamp();
            Volatile.Write(ref sentTicks[i], now);
            BitConverter.TryWriteBytes(payload, now);
            ProducerQueue.ProduceWhenQueued(producer, destination, message, handler);
        }
        producer.Flush(TimeSpan.FromSeconds(30));
        if (failed > 0) Console.WriteLine($"  probe deliveries failed: {failed:N0} (first: {firstError})");
        acked = Math.Min(reported, total);
        return total - failed;
    }

    /// <summary>Reads the probe partition from its end, timing every record against the send time it carries.</summary>
    private static void Consume(BenchOptions o, RawSample[] samples, ref long count, CancellationToken stop)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = o.Bootstrap,
            GroupId = $"brook-bench-latency-{Guid.NewGuid():N}", // required by the client; never committed
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
            FetchWaitMaxMs = 500, // librdkafka's default: a broker that is late to wake a waiting fetch shows here
        };
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
        consumer.Assign(new TopicPartitionOffset(ProbeTopic, 0, Offset.End));
        while (!stop.IsCancellationRequested)
        {
            ConsumeResult<Ignore, byte[]>? result;
            try
            {
                result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException)
            {
                continue;
            }
            if (result?.Message?.Value is not { Length: >= sizeof(long) } value) continue;
            var now = Stopwatch.GetTimestamp();
            var sentAt = BitConverter.ToInt64(value);
            var index = Volatile.Read(ref count);
            if (index < samples.Length) samples[index] = new RawSample(sentAt, now - sentAt);
            Interlocked.Increment(ref count);
        }
    }

    /// <summary>The background load: acks=1 records at <see cref="BenchOptions.BackgroundMBps"/> until stopped.</summary>
    private static Task<BackgroundResult> StartBackground(BenchOptions o, int size, CancellationToken stop) => Task.Factory.StartNew(() =>
    {
        var config = new ProducerConfig
        {
            BootstrapServers = o.Bootstrap,
            Acks = Acks.Leader,
            LingerMs = o.LingerMs,
            QueueBufferingMaxMessages = 1_000_000,
            QueueBufferingMaxKbytes = 1_048_576,
            DeliveryReportFields = "status",
        };
        var payload = new byte[size];
        new Random(42).NextBytes(payload);
        var message = new Message<Null, byte[]> { Value = payload };
        long delivered = 0, failed = 0;
        Action<DeliveryReport<Null, byte[]>> handler = r =>
        {
            if (r.Error.IsError) Interlocked.Increment(ref failed);
            else Interlocked.Increment(ref delivered);
        };
        var pacer = new ProducePacer(o.BackgroundMBps, size);
        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        var clock = Stopwatch.StartNew();
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            pacer.WaitTurn(i, clock);
            ProducerQueue.ProduceWhenQueued(producer, BackgroundTopic, message, handler);
        }
        producer.Flush(TimeSpan.FromSeconds(30));
        var seconds = clock.Elapsed.TotalSeconds;
        return new BackgroundResult(delivered, failed, delivered * (double)size / (1024 * 1024) / seconds);
    }, stop, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Counts per power-of-two bucket of milliseconds, with a bar, so the shape of the tail is visible in the text output.</summary>
    private static void PrintHistogram(long[] ticks)
    {
        double[] bounds = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, double.PositiveInfinity];
        var counts = new long[bounds.Length];
        foreach (var t in ticks)
        {
            var ms = Percentiles.TicksToMs(t);
            var i = 0;
            while (ms >= bounds[i]) i++;
            counts[i]++;
        }
        Console.WriteLine("  histogram (ms):");
        var lower = 0.0;
        for (var i = 0; i < bounds.Length; i++)
        {
            if (counts[i] > 0)
            {
                var share = counts[i] / (double)ticks.Length;
                var bar = new string('#', (int)Math.Ceiling(share * 50));
                var label = double.IsPositiveInfinity(bounds[i]) ? $">= {lower:G}" : $"{lower:G}-{bounds[i]:G}";
                Console.WriteLine($"    {label,10}  {counts[i],9:N0}  {share * 100,7:F3}%  {bar}");
            }
            lower = bounds[i];
        }
    }
}
