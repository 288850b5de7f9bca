using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// What a producer was told: every delivery report (acknowledged at which partition and offset, when, or failed with
/// which error), thread-safe, so a fault test can afterwards prove that every acknowledged record is in the log exactly
/// once, at the offset it was acknowledged with, in acknowledgement order per partition.
/// </summary>
/// <remarks>
/// Values identify records (a test sends distinct values, e.g. a numbered stream). A failed delivery is not a claim:
/// the record may or may not be in the log (an idempotent producer that timed out may have written it), so it may be
/// read back at most once but need not be.
/// </remarks>
public sealed class AcknowledgedRecordLedger
{
    /// <summary>
    /// Errors a producer may see during a fail-over without anything being wrong: Kafka's retriable errors and
    /// librdkafka's local ones that mean "not delivered in time / connection lost". Anything else fails a fault test.
    /// </summary>
    public static readonly IReadOnlySet<ErrorCode> RetriableErrors = new HashSet<ErrorCode>
    {
        ErrorCode.Local_MsgTimedOut, ErrorCode.Local_TimedOut, ErrorCode.Local_Transport, ErrorCode.Local_AllBrokersDown,
        ErrorCode.RequestTimedOut, ErrorCode.NotLeaderForPartition, ErrorCode.LeaderNotAvailable, ErrorCode.NotEnoughReplicas,
        ErrorCode.NotEnoughReplicasAfterAppend, ErrorCode.NetworkException, ErrorCode.FencedLeaderEpoch, ErrorCode.UnknownLeaderEpoch,
        ErrorCode.UnknownTopicOrPart, ErrorCode.KafkaStorageError, ErrorCode.BrokerNotAvailable,
    };

    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Acknowledgement> _acks = [];
    private readonly List<Failure> _failures = [];
    private readonly List<Error> _clientErrors = [];

    /// <summary>One acknowledged record.</summary>
    public sealed record Acknowledgement(TopicPartition Partition, long Offset, string Value, TimeSpan At);

    /// <summary>One failed delivery.</summary>
    public sealed record Failure(TopicPartition? Partition, string Value, Error Error, TimeSpan At);

    /// <summary>Time since the ledger was created, on the clock <see cref="Acknowledgement.At"/> uses.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<Acknowledgement> Acknowledged
    {
        get { lock (_lock) return [.. _acks]; }
    }

    public IReadOnlyList<Failure> Failures
    {
        get { lock (_lock) return [.. _failures]; }
    }

    /// <summary>Errors the client reported through its error handler (fatal ones included).</summary>
    public IReadOnlyList<Error> ClientErrors
    {
        get { lock (_lock) return [.. _clientErrors]; }
    }

    public int AcknowledgedCount
    {
        get { lock (_lock) return _acks.Count; }
    }

    /// <summary>A producer config's delivery handler: records the report.</summary>
    public void Record(DeliveryReport<byte[]?, byte[]?> report)
    {
        var value = report.Message.Value is { } v ? Encoding.UTF8.GetString(v) : "";
        lock (_lock)
        {
            if (report.Error.IsError) _failures.Add(new Failure(report.TopicPartition, value, report.Error, _clock.Elapsed));
            else _acks.Add(new Acknowledgement(report.TopicPartition, report.Offset.Value, value, _clock.Elapsed));
        }
    }

    /// <summary>For ProducerBuilder.SetErrorHandler: remembers client-level errors, so a fatal one fails the test.</summary>
    public void RecordClientError(Error error)
    {
        lock (_lock) _clientErrors.Add(error);
    }

    /// <summary>Acknowledgements of one partition in the order they arrived.</summary>
    public IReadOnlyList<Acknowledgement> AcknowledgedOn(TopicPartition partition)
    {
        lock (_lock) return [.. _acks.Where(a => a.Partition == partition)];
    }

    /// <summary>
    /// The producer never saw a fatal error, and every failed delivery failed with one of
    /// <paramref name="allowed"/> (default <see cref="RetriableErrors"/>).
    /// </summary>
    public void AssertOnlyRetriableFailures(IReadOnlySet<ErrorCode>? allowed = null)
    {
        allowed ??= RetriableErrors;
        Assert.True(ClientErrors.All(e => !e.IsFatal), $"the producer hit a fatal error: {string.Join("; ", ClientErrors.Where(e => e.IsFatal))}");
        var bad = Failures.Where(f => f.Error.IsFatal || !allowed.Contains(f.Error.Code)).ToList();
        Assert.True(bad.Count == 0, $"{bad.Count} deliveries failed with non-retriable errors, e.g. " +
            string.Join("; ", bad.Take(5).Select(f => $"{f.Value}: {f.Error.Code} {f.Error.Reason}")));
    }

    /// <summary>
    /// Reads <paramref name="partitions"/> from the beginning to their end (read_committed) and checks, per partition:
    /// every acknowledged value is in the log exactly once and at the offset it was acknowledged with (so acknowledged
    /// records keep their acknowledgement order); no value is in the log twice; values of failed deliveries appear at
    /// most once. Returns what was read, per partition in offset order, for further checks.
    /// </summary>
    public async Task<IReadOnlyDictionary<TopicPartition, IReadOnlyList<(long Offset, string Value)>>> VerifyReadBackAsync(
        string bootstrap, IEnumerable<TopicPartition> partitions, TimeSpan? timeout = null)
    {
        var wanted = partitions.ToList();
        var log = await Task.Run(() => ReadAll(bootstrap, wanted, timeout ?? TimeSpan.FromSeconds(60))).ConfigureAwait(false);
        var problems = new List<string>();
        List<Acknowledgement> acks;
        lock (_lock) acks = [.. _acks];

        foreach (var tp in wanted)
        {
            var records = log[tp];
            foreach (var dup in records.GroupBy(r => r.Value).Where(g => g.Count() > 1).Take(5))
                problems.Add($"{tp}: value {dup.Key} is in the log {dup.Count()} times, at offsets {string.Join(",", dup.Select(r => r.Offset))}");
            var byOffset = records.ToDictionary(r => r.Offset, r => r.Value);
            var missing = 0;
            foreach (var ack in acks.Where(a => a.Partition == tp))
            {
                if (byOffset.TryGetValue(ack.Offset, out var found) && found == ack.Value) continue;
                if (++missing <= 5)
                    problems.Add($"{tp}: {ack.Value} was acknowledged at offset {ack.Offset} but the log has " +
                        (found is null ? "no record there" : $"{found} there") +
                        (records.FirstOrDefault(r => r.Value == ack.Value) is { Value: not null } elsewhere ? $" (it is at {elsewhere.Offset})" : ""));
            }
            if (missing > 5) problems.Add($"{tp}: ... {missing} acknowledged records in all are not where they were acknowledged");
        }
        foreach (var ack in acks.Where(a => !wanted.Contains(a.Partition)).Take(1))
            problems.Add($"records were acknowledged on {ack.Partition}, which was not read back");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return log.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<(long, string)>)kv.Value);
    }

    /// <summary>A read_committed consumer from the beginning of each partition to its end offset (as ListOffsets says now).</summary>
    private static Dictionary<TopicPartition, List<(long Offset, string Value)>> ReadAll(string bootstrap, List<TopicPartition> partitions, TimeSpan timeout)
    {
        var config = KafkaTestClient.ConsumerConfig(bootstrap);
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        config.EnablePartitionEof = true;
        using var consumer = KafkaTestClient.CreateConsumer(config);
        var clock = Stopwatch.StartNew();
        var ends = new Dictionary<TopicPartition, long>();
        foreach (var tp in partitions)
        {
            // A partition just through a fail-over may answer OFFSET_NOT_AVAILABLE or LEADER_NOT_AVAILABLE for a moment.
            while (true)
            {
                try
                {
                    ends[tp] = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).High.Value;
                    break;
                }
                catch (KafkaException) when (clock.Elapsed < timeout)
                {
                    Thread.Sleep(200);
                }
            }
        }
        var result = partitions.ToDictionary(tp => tp, _ => new List<(long, string)>());
        var positions = partitions.ToDictionary(tp => tp, _ => 0L);
        consumer.Assign(partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        while (positions.Any(kv => kv.Value < ends[kv.Key]))
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"read-back incomplete after {timeout.TotalSeconds:0} s: " +
                    string.Join(", ", positions.Select(kv => $"{kv.Key} at {kv.Value} of {ends[kv.Key]}")));
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            if (r.IsPartitionEOF)
            {
                positions[r.TopicPartition] = Math.Max(positions[r.TopicPartition], r.Offset.Value);
                continue;
            }
            result[r.TopicPartition].Add((r.Offset.Value, r.Message.Value is { } v ? Encoding.UTF8.GetString(v) : ""));
            positions[r.TopicPartition] = r.Offset.Value + 1;
        }
        consumer.Close();
        return result;
    }
}
