using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>Confluent.Kafka configuration and small helpers shared by the broker tests.</summary>
public static class KafkaTestClient
{
    // Every client a test builds through these helpers comes after the pinned librdkafka is loaded, whichever test class
    // runs first (a class that forgot its own EnsureLoaded let Confluent.Kafka load the library implicitly).
    static KafkaTestClient() => Librdkafka.EnsureLoaded();

    /// <summary>Generous upper bound for any single wait on the broker; tests normally finish far sooner.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A topic name that no other test uses.</summary>
    public static string UniqueTopic(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 200)];

    /// <summary>Admin client config. Auto-creation is off so metadata look-ups for absent topics never create them.</summary>
    public static AdminClientConfig AdminConfig(string bootstrap) => new()
    {
        BootstrapServers = bootstrap,
        AllowAutoCreateTopics = false,
        SocketTimeoutMs = 10_000,
    };

    /// <summary>Producer config with bounded timeouts; callers adjust acks, idempotence, compression.</summary>
    public static ProducerConfig ProducerConfig(string bootstrap, Acks acks = Acks.All) => new()
    {
        BootstrapServers = bootstrap,
        Acks = acks,
        LingerMs = 5,
        MessageTimeoutMs = 30_000,
        SocketTimeoutMs = 10_000,
        AllowAutoCreateTopics = false,
    };

    /// <summary>
    /// Consumer config for manual assignment without offset commits. Confluent requires a group.id even then; we use
    /// a throwaway one and never commit. CheckCrcs makes the client verify every batch it receives.
    /// </summary>
    public static ConsumerConfig ConsumerConfig(string bootstrap) => new()
    {
        BootstrapServers = bootstrap,
        GroupId = $"brook-it-{Guid.NewGuid():N}",
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        AllowAutoCreateTopics = false,
        CheckCrcs = true,
        FetchWaitMaxMs = 100,
        SocketTimeoutMs = 10_000,
    };

    public static IAdminClient CreateAdmin(string bootstrap) => new AdminClientBuilder(AdminConfig(bootstrap)).Build();

    public static IProducer<byte[]?, byte[]?> CreateProducer(ProducerConfig config) =>
        new ProducerBuilder<byte[]?, byte[]?>(config).Build();

    public static IConsumer<byte[]?, byte[]?> CreateConsumer(ConsumerConfig config) =>
        new ConsumerBuilder<byte[]?, byte[]?>(config).Build();

    /// <summary>Creates a topic and waits until metadata shows every partition with a leader.</summary>
    public static async Task CreateTopicAsync(string bootstrap, string topic, int partitions, short replicationFactor = 1,
        Dictionary<string, string>? configs = null)
    {
        using var admin = CreateAdmin(bootstrap);
        await admin.CreateTopicsAsync(
        [
            new TopicSpecification
            {
                Name = topic,
                NumPartitions = partitions,
                ReplicationFactor = replicationFactor,
                Configs = configs,
            },
        ]).ConfigureAwait(false);
        await WaitForTopicAsync(admin, topic, partitions).ConfigureAwait(false);
    }

    /// <summary>Polls metadata until <paramref name="topic"/> has <paramref name="partitions"/> partitions, all led.</summary>
    public static async Task WaitForTopicAsync(IAdminClient admin, string topic, int partitions)
    {
        var sw = Stopwatch.StartNew();
        string last = "no metadata yet";
        while (sw.Elapsed < DefaultTimeout)
        {
            var md = admin.GetMetadata(TimeSpan.FromSeconds(10));
            var t = md.Topics.FirstOrDefault(x => x.Topic == topic);
            if (t is not null && t.Error.Code == ErrorCode.NoError && t.Partitions.Count == partitions &&
                t.Partitions.All(p => p.Leader >= 0 && p.Error.Code == ErrorCode.NoError))
            {
                return;
            }
            last = t is null ? "topic absent" : $"error={t.Error.Code}, partitions={t.Partitions.Count}";
            await Task.Delay(100).ConfigureAwait(false);
        }
        throw new TimeoutException($"topic {topic} not ready with {partitions} partitions: {last}");
    }

    /// <summary>Whether the full (all-topics) metadata currently lists <paramref name="topic"/>.</summary>
    public static bool TopicListed(IAdminClient admin, string topic) =>
        admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Any(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError);

    /// <summary>
    /// Assigns <paramref name="partitions"/> from the beginning and consumes until <paramref name="expected"/> records
    /// arrived (fails on timeout), then keeps polling for <paramref name="settle"/> to catch surplus records.
    /// Any consume error (corrupt batch, CRC mismatch, ...) surfaces as a ConsumeException and fails the test.
    /// </summary>
    public static List<ConsumeResult<byte[]?, byte[]?>> ConsumeExactly(string bootstrap, IEnumerable<TopicPartition> partitions,
        int expected, TimeSpan? timeout = null, TimeSpan? settle = null)
    {
        using var consumer = CreateConsumer(ConsumerConfig(bootstrap));
        consumer.Assign(partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var results = new List<ConsumeResult<byte[]?, byte[]?>>(expected);
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        while (results.Count < expected)
        {
            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"consumed {results.Count} of {expected} records within {limit.TotalSeconds:0}s");
            }
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is not null && !r.IsPartitionEOF) results.Add(r);
        }
        var settleFor = settle ?? TimeSpan.FromMilliseconds(500);
        var settleClock = Stopwatch.StartNew();
        while (settleClock.Elapsed < settleFor)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is not null && !r.IsPartitionEOF) results.Add(r);
        }
        consumer.Close();
        return results;
    }

    /// <summary>All partitions of a topic with <paramref name="count"/> partitions.</summary>
    public static IEnumerable<TopicPartition> Partitions(string topic, int count) =>
        Enumerable.Range(0, count).Select(p => new TopicPartition(topic, new Partition(p)));

    /// <summary>
    /// Reads every partition from its low to its high watermark (as reported by ListOffsets) and returns the records.
    /// </summary>
    public static List<ConsumeResult<byte[]?, byte[]?>> ConsumeToHighWatermark(string bootstrap, string topic, int partitionCount,
        TimeSpan? timeout = null)
    {
        var total = 0L;
        foreach (var tp in Partitions(topic, partitionCount))
        {
            var wm = QueryWatermarksWithRetry(bootstrap, tp);
            total += wm.High.Value - wm.Low.Value;
        }
        return ConsumeExactly(bootstrap, Partitions(topic, partitionCount), checked((int)total), timeout);
    }

    /// <summary>
    /// ListOffsets through a fresh consumer, retried for up to 30 s on client-side transient errors: right after a
    /// fault (a SIGCONT, a restart) librdkafka can drop a broker handle under a pending query ("Broker handle destroyed
    /// without termination"), which says nothing about the broker's data.
    /// </summary>
    private static WatermarkOffsets QueryWatermarksWithRetry(string bootstrap, TopicPartition tp)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var consumer = CreateConsumer(ConsumerConfig(bootstrap));
            try
            {
                return consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
            }
            catch (KafkaException e) when ((e.Error.IsLocalError || e.Error.IsBrokerError && IsRetriable(e.Error.Code))
                                           && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(250);
            }
            finally
            {
                consumer.Close();
            }
        }
    }

    private static bool IsRetriable(ErrorCode code) => code is ErrorCode.NotLeaderForPartition or ErrorCode.LeaderNotAvailable
        or ErrorCode.UnknownTopicOrPart or ErrorCode.RequestTimedOut;

    /// <summary>
    /// Proves the broker still does its basic job: creates a fresh topic, produces three records with acks=all and
    /// reads exactly those three back.
    /// </summary>
    public static async Task AssertProduceConsumeWorksAsync(string bootstrap)
    {
        var topic = UniqueTopic("health");
        await CreateTopicAsync(bootstrap, topic, 1).ConfigureAwait(false);
        using (var producer = CreateProducer(ProducerConfig(bootstrap)))
        {
            for (var i = 0; i < 3; i++)
            {
                var dr = await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?>
                {
                    Key = [(byte)i],
                    Value = System.Text.Encoding.UTF8.GetBytes($"health-{i}"),
                }).ConfigureAwait(false);
                Assert.Equal(i, dr.Offset.Value);
            }
        }
        var records = ConsumeExactly(bootstrap, Partitions(topic, 1), 3);
        Assert.Equal(3, records.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i, records[i].Offset.Value);
            Assert.Equal($"health-{i}", System.Text.Encoding.UTF8.GetString(records[i].Message.Value!));
        }
    }
}
