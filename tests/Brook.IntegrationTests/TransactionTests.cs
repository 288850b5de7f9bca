using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;

namespace Brook.IntegrationTests;

/// <summary>Transactions and exactly-once with Confluent.Kafka's transactional producer and read_committed consumers.</summary>
[Trait("Category", "Broker")]
public sealed class TransactionTests : IClassFixture<TransactionBrokerFixture>, IDisposable
{
    private readonly TransactionBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;

    public TransactionTests(TransactionBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    private string Bootstrap => _fixture.BootstrapServers;

    public void Dispose() => _log.Dispose();

    private IProducer<byte[]?, byte[]?> TransactionalProducer(string transactionalId, int timeoutMs = 60_000)
    {
        var config = KafkaTestClient.ProducerConfig(Bootstrap);
        config.TransactionalId = transactionalId;
        config.TransactionTimeoutMs = timeoutMs;
        // librdkafka requires socket.timeout.ms and message.timeout.ms not to exceed transaction.timeout.ms.
        config.SocketTimeoutMs = Math.Min(config.SocketTimeoutMs ?? 60_000, timeoutMs);
        config.MessageTimeoutMs = Math.Min(config.MessageTimeoutMs ?? 300_000, timeoutMs);
        var producer = KafkaTestClient.CreateProducer(config);
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        return producer;
    }

    private List<string> ReadAll(string topic, int partitions, IsolationLevel isolation)
    {
        var config = KafkaTestClient.ConsumerConfig(Bootstrap);
        config.IsolationLevel = isolation;
        config.EnablePartitionEof = true;
        using var consumer = KafkaTestClient.CreateConsumer(config);
        consumer.Assign(KafkaTestClient.Partitions(topic, partitions).Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var values = new List<string>();
        var eof = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (eof.Count < partitions && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r is null) continue;
            if (r.IsPartitionEOF) { eof.Add(r.Partition.Value); continue; }
            values.Add(Encoding.UTF8.GetString(r.Message.Value!));
        }
        consumer.Close();
        Assert.Equal(partitions, eof.Count);
        return values;
    }

    private static Message<byte[]?, byte[]?> Msg(string value) => new() { Value = Encoding.UTF8.GetBytes(value) };

    [Fact]
    public async Task CommittedTransactionIsSeenWholeAndAbortedOneOnlyByReadUncommitted()
    {
        var topic = KafkaTestClient.UniqueTopic("txn");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 3);
        using var producer = TransactionalProducer($"tx-{Guid.NewGuid():N}");

        producer.BeginTransaction();
        for (var p = 0; p < 3; p++) producer.Produce(new TopicPartition(topic, p), Msg($"committed-{p}"));
        producer.CommitTransaction(TimeSpan.FromSeconds(30));

        producer.BeginTransaction();
        for (var p = 0; p < 3; p++) producer.Produce(new TopicPartition(topic, p), Msg($"aborted-{p}"));
        producer.Flush(TimeSpan.FromSeconds(10));
        producer.AbortTransaction(TimeSpan.FromSeconds(30));

        var committed = ReadAll(topic, 3, IsolationLevel.ReadCommitted);
        Assert.Equal(["committed-0", "committed-1", "committed-2"], committed.Order());
        var uncommitted = ReadAll(topic, 3, IsolationLevel.ReadUncommitted);
        Assert.Equal(6, uncommitted.Count);
    }

    [Fact]
    public async Task ReadCommittedConsumerWaitsForAnOpenTransaction()
    {
        var topic = KafkaTestClient.UniqueTopic("lso");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        using var producer = TransactionalProducer($"tx-{Guid.NewGuid():N}");
        producer.BeginTransaction();
        producer.Produce(topic, Msg("open"));
        producer.Flush(TimeSpan.FromSeconds(10));
        Assert.Empty(ReadAll(topic, 1, IsolationLevel.ReadCommitted));
        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        Assert.Equal(["open"], ReadAll(topic, 1, IsolationLevel.ReadCommitted));
    }

    [Fact]
    public async Task SecondProducerWithTheSameTransactionalIdFencesTheFirst()
    {
        var topic = KafkaTestClient.UniqueTopic("fence");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        var id = $"tx-{Guid.NewGuid():N}";
        using var first = TransactionalProducer(id);
        first.BeginTransaction();
        first.Produce(topic, Msg("zombie"));
        first.Flush(TimeSpan.FromSeconds(10));

        using var second = TransactionalProducer(id); // bumps the epoch and aborts the first one's transaction
        second.BeginTransaction();
        second.Produce(topic, Msg("winner"));
        second.CommitTransaction(TimeSpan.FromSeconds(30));

        var ex = Assert.ThrowsAny<KafkaException>(() => first.CommitTransaction(TimeSpan.FromSeconds(30)));
        Assert.True(ex.Error.IsFatal || ex.Error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch, ex.Error.ToString());
        Assert.Equal(["winner"], ReadAll(topic, 1, IsolationLevel.ReadCommitted));
    }

    [Fact]
    public async Task TransactionLeftOpenPastItsTimeoutIsAbortedAndTheLsoMovesOn()
    {
        var topic = KafkaTestClient.UniqueTopic("timeout");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        using var producer = TransactionalProducer($"tx-{Guid.NewGuid():N}", timeoutMs: 2000);
        producer.BeginTransaction();
        producer.Produce(topic, Msg("left-open"));
        producer.Flush(TimeSpan.FromSeconds(10));
        await Task.Delay(5000);
        using (var plain = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap)))
            await plain.ProduceAsync(topic, Msg("after"));
        Assert.Equal(["after"], ReadAll(topic, 1, IsolationLevel.ReadCommitted));
    }

    [Fact]
    public async Task ConsumeTransformProduceCommitsOffsetsWithTheOutput()
    {
        var input = KafkaTestClient.UniqueTopic("in");
        var output = KafkaTestClient.UniqueTopic("out");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, input, 2);
        await KafkaTestClient.CreateTopicAsync(Bootstrap, output, 2);
        using (var seed = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(Bootstrap)))
        {
            for (var i = 0; i < 1000; i++) seed.Produce(input, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes($"k{i}"), Value = Encoding.UTF8.GetBytes($"v{i}") });
            seed.Flush(TimeSpan.FromSeconds(10));
        }
        var group = $"ctp-{Guid.NewGuid():N}";
        var processed = RunTransformer(input, output, group, maxRecords: 400);
        Assert.Equal(400, processed);
        processed += RunTransformer(input, output, group, maxRecords: int.MaxValue);
        Assert.Equal(1000, processed);
        var results = ReadAll(output, 2, IsolationLevel.ReadCommitted);
        Assert.Equal(1000, results.Count);
        Assert.Equal(1000, results.Distinct().Count());
    }

    /// <summary>Reads from input in a group and writes transformed records plus the consumed offsets in transactions of 100.</summary>
    private int RunTransformer(string input, string output, string group, int maxRecords)
    {
        var consumerConfig = KafkaTestClient.ConsumerConfig(Bootstrap);
        consumerConfig.GroupId = group;
        consumerConfig.IsolationLevel = IsolationLevel.ReadCommitted;
        consumerConfig.EnablePartitionEof = true;
        using var consumer = KafkaTestClient.CreateConsumer(consumerConfig);
        consumer.Subscribe(input);
        using var producer = TransactionalProducer($"ctp-{group}");
        var count = 0;
        var eof = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        producer.BeginTransaction();
        var inTxn = 0;
        while (count < maxRecords && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r is null) continue;
            if (r.IsPartitionEOF)
            {
                eof.Add(r.Partition.Value);
                if (eof.Count == 2 && consumer.Assignment.Count == 2) break;
                continue;
            }
            eof.Remove(r.Partition.Value);
            producer.Produce(output, new Message<byte[]?, byte[]?> { Key = r.Message.Key, Value = Encoding.UTF8.GetBytes("out-" + Encoding.UTF8.GetString(r.Message.Value!)) });
            count++;
            inTxn++;
            if (inTxn == 100 || count == maxRecords)
            {
                producer.SendOffsetsToTransaction(consumer.Assignment.Select(tp => new TopicPartitionOffset(tp, consumer.Position(tp))), consumer.ConsumerGroupMetadata, TimeSpan.FromSeconds(30));
                producer.CommitTransaction(TimeSpan.FromSeconds(30));
                producer.BeginTransaction();
                inTxn = 0;
            }
        }
        if (inTxn > 0)
        {
            producer.SendOffsetsToTransaction(consumer.Assignment.Select(tp => new TopicPartitionOffset(tp, consumer.Position(tp))), consumer.ConsumerGroupMetadata, TimeSpan.FromSeconds(30));
            producer.CommitTransaction(TimeSpan.FromSeconds(30));
        }
        else
        {
            producer.AbortTransaction(TimeSpan.FromSeconds(30));
        }
        consumer.Close();
        return count;
    }
}
