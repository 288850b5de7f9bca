using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;

namespace Brook.IntegrationTests;

/// <summary>
/// Committed group offsets live in __consumer_offsets and are replayed at start-up: a group resumes exactly where it
/// committed after the broker restarts, whether it was stopped cleanly or killed.
/// </summary>
[Trait("Category", "Broker")]
public sealed class GroupRestartTests : IDisposable
{
    private static readonly TimeSpan RebalanceTimeout = TimeSpan.FromSeconds(30);

    private readonly ITestOutputHelper _output;
    private BrokerProcess? _broker;

    public GroupRestartTests(ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _output = output;
    }

    public void Dispose()
    {
        if (_broker is null) return;
        BrokerLogReporter.Write(_output, _broker.Log);
        _broker.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CommittedOffsetsSurviveBrokerRestart(bool kill)
    {
        const int partitions = 6;
        const int count = 6_000;
        _broker = await BrokerProcess.StartAsync(kill ? "grp-restart-kill" : "grp-restart-stop", GroupBrokerFixture.GroupOverrides);
        var bootstrap = _broker.BootstrapServers;
        var topic = KafkaTestClient.UniqueTopic("grp-restart");
        await KafkaTestClient.CreateTopicAsync(bootstrap, topic, partitions);
        await ProduceAsync(bootstrap, topic, count);
        var group = $"grp-restart-{Guid.NewGuid():N}";
        void ManualCommit(ConsumerConfig c) => c.EnableAutoCommit = false;

        // Read about half, then commit the positions (next offset to read) explicitly and synchronously.
        Dictionary<int, long> committed;
        using (var first = GroupMember.Subscribe(bootstrap, group, "first", topic, ManualCommit))
        {
            GroupPolling.PollUntil([first], () => first.Records.Count >= count / 2, RebalanceTimeout, "half the records read");
            var done = first.Consumer.Commit();
            committed = done.Where(tpo => tpo.Offset.Value >= 0).ToDictionary(tpo => tpo.Partition.Value, tpo => tpo.Offset.Value);
            var expected = first.Records.GroupBy(r => r.Partition.Value).ToDictionary(g => g.Key, g => g.Max(r => r.Offset.Value) + 1);
            foreach (var (partition, next) in expected) Assert.Equal(next, committed[partition]);
            first.Close();
        }
        _output.WriteLine("committed: " + string.Join(", ", committed.OrderBy(kv => kv.Key).Select(kv => $"p{kv.Key}={kv.Value}")));

        if (kill) _broker.Kill();
        else Assert.Equal(0, await _broker.StopAsync());
        await _broker.RestartAsync();

        using var second = GroupMember.Subscribe(bootstrap, group, "second", topic, ManualCommit);
        var tps = KafkaTestClient.Partitions(topic, partitions).ToList();
        var fetched = second.Consumer.Committed(tps, TimeSpan.FromSeconds(20));
        foreach (var tpo in fetched)
        {
            var expected = committed.TryGetValue(tpo.Partition.Value, out var o) ? o : Offset.Unset.Value;
            Assert.True(expected == tpo.Offset.Value, $"after restart p{tpo.Partition.Value} committed {tpo.Offset.Value}, expected {expected}");
        }

        var totalBefore = committed.Values.Sum();
        GroupPolling.PollUntil([second], () => second.Records.Count >= count - totalBefore, RebalanceTimeout,
            $"the remaining {count - totalBefore} records read");
        GroupPolling.PollFor([second], TimeSpan.FromMilliseconds(500));

        // The new member starts at each partition's committed offset (or 0 where nothing was committed), never earlier.
        foreach (var g in second.Records.GroupBy(r => r.Partition.Value))
        {
            var start = committed.TryGetValue(g.Key, out var c) ? c : 0;
            var offsets = g.Select(r => r.Offset.Value).ToList();
            Assert.Equal(start, offsets[0]);
            Assert.Equal(Enumerable.Range(0, offsets.Count).Select(i => start + i), offsets);
        }
        Assert.Equal(count - totalBefore, second.Records.Count);
    }

    private static async Task ProduceAsync(string bootstrap, string topic, int count)
    {
        using var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(bootstrap));
        var failed = 0;
        for (var i = 0; i < count; i++)
        {
            ProduceConsumeTests.ProduceWithBackpressure(producer, topic, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes($"key-{i % 499}"),
                Value = Encoding.UTF8.GetBytes($"value-{i}"),
            }, r => { if (r.Error.IsError) Interlocked.Increment(ref failed); });
        }
        Assert.Equal(0, await Task.Run(() => producer.Flush(TimeSpan.FromSeconds(60))));
        Assert.Equal(0, failed);
    }
}
