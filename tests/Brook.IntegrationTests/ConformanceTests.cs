using System.Diagnostics;
using Brook.IntegrationTests.Infrastructure;
using Brook.IntegrationTests.Wire;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using BrookError = Brook.Common.ErrorCode;

using static Brook.IntegrationTests.Wire.CoordinatorRetry;

namespace Brook.IntegrationTests;

/// <summary>
/// Answers that must be Kafka's because clients act on them: commits to partitions that do not exist, KIP-467 record
/// errors, the error a fenced transactional producer sees on Produce, and KIP-430 authorized operations. Each is shown
/// with librdkafka (Confluent.Kafka) and, where the client hides the detail, with the raw protocol.
/// </summary>
[Trait("Category", "Broker")]
public sealed class ConformanceTests : IClassFixture<TransactionBrokerFixture>, IDisposable
{
    private readonly TransactionBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;

    public ConformanceTests(TransactionBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    private string Bootstrap => _fixture.BootstrapServers;

    public void Dispose() => _log.Dispose();

    // --- 1. commits to missing topics or partitions ------------------------------------------------------------------

    [Fact]
    public async Task AlterConsumerGroupOffsetsFailsOnlyTheMissingPartitions()
    {
        var topic = KafkaTestClient.UniqueTopic("commit");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        var missingTopic = KafkaTestClient.UniqueTopic("nosuch");
        var group = $"g-{Guid.NewGuid():N}";
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);

        var ex = await Assert.ThrowsAsync<AlterConsumerGroupOffsetsException>(() => admin.AlterConsumerGroupOffsetsAsync(
        [
            new ConsumerGroupTopicPartitionOffsets(group,
            [
                new TopicPartitionOffset(topic, 0, 5),
                new TopicPartitionOffset(topic, 7, 5), // the topic exists, the partition does not
                new TopicPartitionOffset(missingTopic, 0, 9),
            ]),
        ]));
        var partitions = Assert.Single(ex.Results).Partitions;
        Assert.Equal(ErrorCode.NoError, partitions.Single(p => p.Topic == topic && p.Partition == 0).Error.Code);
        Assert.Equal(ErrorCode.UnknownTopicOrPart, partitions.Single(p => p.Topic == topic && p.Partition == 7).Error.Code);
        Assert.Equal(ErrorCode.UnknownTopicOrPart, partitions.Single(p => p.Topic == missingTopic).Error.Code);

        // The partition that exists was committed; the others stored nothing.
        var listed = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, null)]);
        var offsets = Assert.Single(listed).Partitions;
        Assert.Equal(5, offsets.Single(p => p.Topic == topic && p.Partition == 0).Offset.Value);
        Assert.DoesNotContain(offsets, p => p.Topic == missingTopic || p.Partition == 7);
    }

    [Fact]
    public async Task RawOffsetCommitAnswersUnknownTopicOrPartitionPerPartition()
    {
        var topic = KafkaTestClient.UniqueTopic("rawcommit");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        using var client = await ProtocolClient.ConnectAsync(_fixture.Broker.Port);
        var group = $"g-{Guid.NewGuid():N}";
        await WaitForCoordinatorAsync(client, 0, group);

        var response = await RetryAsync(() => client.SendAsync<OffsetCommitRequest, OffsetCommitResponse>(new OffsetCommitRequest
        {
            GroupId = group,
            GenerationIdOrMemberEpoch = -1,
            MemberId = "",
            Topics =
            [
                new OffsetCommitRequest.OffsetCommitRequestTopic
                {
                    Name = "no-such-topic-" + Guid.NewGuid().ToString("N"),
                    Partitions = [new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = 1 }],
                },
                new OffsetCommitRequest.OffsetCommitRequestTopic
                {
                    Name = topic,
                    Partitions =
                    [
                        new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = 3 },
                        new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = 1, CommittedOffset = 3 },
                    ],
                },
            ],
        }, 8), r => r.Topics.SelectMany(t => t.Partitions).Select(p => p.ErrorCode).FirstOrDefault(e => e != (short)BrookError.UnknownTopicOrPartition));

        var results = response.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex, (BrookError)p.ErrorCode))).ToList();
        Assert.Equal(3, results.Count);
        Assert.Equal(BrookError.UnknownTopicOrPartition, results[0].Item3);
        Assert.Equal((topic, 0, BrookError.None), results[1]);
        Assert.Equal((topic, 1, BrookError.UnknownTopicOrPartition), results[2]);
    }

    [Fact]
    public async Task TxnOffsetCommitAnswersUnknownTopicOrPartitionPerPartition()
    {
        var topic = KafkaTestClient.UniqueTopic("txncommit");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        using var client = await ProtocolClient.ConnectAsync(_fixture.Broker.Port);
        var transactionalId = $"tx-{Guid.NewGuid():N}";
        var group = $"g-{Guid.NewGuid():N}";
        await WaitForCoordinatorAsync(client, 1, transactionalId);
        await WaitForCoordinatorAsync(client, 0, group);
        var init = await RetryAsync(() => client.SendAsync<InitProducerIdRequest, InitProducerIdResponse>(
            new InitProducerIdRequest { TransactionalId = transactionalId, TransactionTimeoutMs = 60_000 }, 4), r => r.ErrorCode);
        Assert.Equal((short)BrookError.None, init.ErrorCode);
        var added = await RetryAsync(() => client.SendAsync<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>(new AddOffsetsToTxnRequest
        {
            TransactionalId = transactionalId, ProducerId = init.ProducerId, ProducerEpoch = init.ProducerEpoch, GroupId = group,
        }, 3), r => r.ErrorCode);
        Assert.Equal((short)BrookError.None, added.ErrorCode);

        var missingTopic = KafkaTestClient.UniqueTopic("nosuch");
        var response = await RetryAsync(() => client.SendAsync<TxnOffsetCommitRequest, TxnOffsetCommitResponse>(new TxnOffsetCommitRequest
        {
            TransactionalId = transactionalId, GroupId = group, ProducerId = init.ProducerId, ProducerEpoch = init.ProducerEpoch,
            GenerationId = -1, MemberId = "",
            Topics =
            [
                new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic
                {
                    Name = topic, Partitions = [new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = 0 }],
                },
                new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic
                {
                    Name = missingTopic, Partitions = [new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = 0 }],
                },
            ],
        }, 3), r => r.Topics.SelectMany(t => t.Partitions).Select(p => p.ErrorCode).FirstOrDefault());

        var byTopic = response.Topics.ToDictionary(t => t.Name, t => (BrookError)Assert.Single(t.Partitions).ErrorCode);
        Assert.Equal(BrookError.None, byTopic[topic]);
        Assert.Equal(BrookError.UnknownTopicOrPartition, byTopic[missingTopic]);
    }

    // --- 2. KIP-467 record errors --------------------------------------------------------------------------------

    [Fact]
    public async Task NullKeysOnACompactedTopicFailExactlyThoseRecords()
    {
        var topic = KafkaTestClient.UniqueTopic("kip467");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1, configs: new() { ["cleanup.policy"] = "compact" });
        var config = KafkaTestClient.ProducerConfig(Bootstrap, Acks.Leader);
        // One batch for all 100 records, without retries: the outcome of every record is decided by one response.
        config.EnableIdempotence = false;
        config.LingerMs = 1000;
        config.BatchNumMessages = 1000;
        config.MessageSendMaxRetries = 0;
        using var producer = KafkaTestClient.CreateProducer(config);
        var nullKeyed = Enumerable.Range(0, 100).Where(i => i % 10 == 3).ToHashSet();
        var deliveries = Enumerable.Range(0, 100).Select(i => producer.ProduceAsync(topic, new Message<byte[]?, byte[]?>
        {
            Key = nullKeyed.Contains(i) ? null : BitConverter.GetBytes(i),
            Value = BitConverter.GetBytes(i),
        })).ToList();
        var outcomes = new ErrorCode[100];
        for (var i = 0; i < 100; i++)
        {
            var ex = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(() => deliveries[i]);
            outcomes[i] = ex.Error.Code;
        }

        Assert.Equal(10, nullKeyed.Count);
        Assert.All(nullKeyed, i => Assert.Equal(ErrorCode.InvalidRecord, outcomes[i]));
        Assert.All(Enumerable.Range(0, 100).Where(i => !nullKeyed.Contains(i)), i => Assert.Equal(ErrorCode.Local_InvalidDifferentRecord, outcomes[i]));
    }

    [Fact]
    public async Task RawProduceResponseListsEveryRejectedRecord()
    {
        var topic = KafkaTestClient.UniqueTopic("kip467raw");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1, configs: new() { ["cleanup.policy"] = "compact" });
        using var client = await ProtocolClient.ConnectAsync(_fixture.Broker.Port);
        using var builder = new RecordBatchBuilder();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < 100; i++) builder.Add(now, i % 10 == 3 ? null : [(byte)i], [(byte)i]);

        var response = await client.SendAsync<ProduceRequest, ProduceResponse>(ProduceOne(topic, builder.Build()), 9);

        var partition = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal((short)BrookError.InvalidRecord, partition.ErrorCode);
        Assert.Equal(Enumerable.Range(0, 100).Where(i => i % 10 == 3), partition.RecordErrors.Select(e => e.BatchIndex));
        Assert.All(partition.RecordErrors, e => Assert.Contains("without a key", e.BatchIndexErrorMessage));
        Assert.NotNull(partition.ErrorMessage);
        Assert.Contains("10 of the 100 records", partition.ErrorMessage);
        Assert.Equal(0, (await LatestOffsetAsync(topic)));
    }

    [Fact]
    public async Task RawProduceReportsEveryRecordOutsideTheTimestampWindow()
    {
        var topic = KafkaTestClient.UniqueTopic("kip467ts");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1, configs: new() { ["message.timestamp.before.max.ms"] = "3600000" });
        using var client = await ProtocolClient.ConnectAsync(_fixture.Broker.Port);
        using var builder = new RecordBatchBuilder();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var old = now - TimeSpan.FromDays(2).Ticks / TimeSpan.TicksPerMillisecond;
        for (var i = 0; i < 5; i++) builder.Add(i is 1 or 4 ? old : now, [(byte)i], [(byte)i]);

        var response = await client.SendAsync<ProduceRequest, ProduceResponse>(ProduceOne(topic, builder.Build()), 9);

        var partition = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal((short)BrookError.InvalidTimestamp, partition.ErrorCode);
        Assert.Equal([1, 4], partition.RecordErrors.Select(e => e.BatchIndex));
        Assert.All(partition.RecordErrors, e => Assert.Contains($"timestamp {old}", e.BatchIndexErrorMessage));
    }

    // --- 3. fenced transactional producer ---------------------------------------------------------------------------

    [Fact]
    public async Task FencedTransactionalProducerGetsAFatalErrorOnItsNextProduce()
    {
        var topic = KafkaTestClient.UniqueTopic("fenced");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        var id = $"tx-{Guid.NewGuid():N}";
        using var first = TransactionalProducer(id);
        first.BeginTransaction();
        await first.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = "before"u8.ToArray() });

        using var second = TransactionalProducer(id); // bumps the epoch: the first producer is now a zombie

        var ex = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(
            () => first.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = "zombie"u8.ToArray() }));
        // librdkafka fails the message with the broker's INVALID_PRODUCER_EPOCH and, because that code (not
        // PRODUCER_FENCED, which it would treat as abortable) came from Produce, puts the producer in its fatal
        // "fenced" state: every later transactional call fails with a fatal error.
        Assert.Equal(ErrorCode.InvalidProducerEpoch, ex.Error.Code);
        var fatal = Assert.ThrowsAny<KafkaException>(() => first.CommitTransaction(TimeSpan.FromSeconds(30)));
        Assert.True(fatal.Error.IsFatal, fatal.Error.ToString());
        Assert.Equal(ErrorCode.Local_Fenced, fatal.Error.Code);
    }

    [Fact]
    public async Task RawProduceWithAFencedEpochGetsInvalidProducerEpoch()
    {
        var topic = KafkaTestClient.UniqueTopic("fencedraw");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 2);
        using var client = await ProtocolClient.ConnectAsync(_fixture.Broker.Port);
        var transactionalId = $"tx-{Guid.NewGuid():N}";
        await WaitForCoordinatorAsync(client, 1, transactionalId);
        var first = await RetryAsync(() => client.SendAsync<InitProducerIdRequest, InitProducerIdResponse>(
            new InitProducerIdRequest { TransactionalId = transactionalId, TransactionTimeoutMs = 60_000 }, 4), r => r.ErrorCode);
        var second = await RetryAsync(() => client.SendAsync<InitProducerIdRequest, InitProducerIdResponse>(
            new InitProducerIdRequest { TransactionalId = transactionalId, TransactionTimeoutMs = 60_000 }, 4), r => r.ErrorCode);
        Assert.Equal(first.ProducerId, second.ProducerId);
        Assert.True(second.ProducerEpoch > first.ProducerEpoch);

        using var builder = new RecordBatchBuilder { ProducerId = first.ProducerId, ProducerEpoch = first.ProducerEpoch, BaseSequence = 0, IsTransactional = true };
        builder.Add(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), [1], [2]);
        var request = ProduceOne(topic, builder.Build());
        request.TransactionalId = transactionalId;
        var response = await client.SendAsync<ProduceRequest, ProduceResponse>(request, 9);

        Assert.Equal((short)BrookError.InvalidProducerEpoch, Assert.Single(Assert.Single(response.Responses).PartitionResponses).ErrorCode);
    }

    // --- 6. authorized operations (KIP-430) ---------------------------------------------------------------------

    [Fact]
    public async Task AuthorizedOperationsAreTheFullSetsWithoutAnAuthorizer()
    {
        var topic = KafkaTestClient.UniqueTopic("authops");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);

        var cluster = await admin.DescribeClusterAsync(new DescribeClusterOptions { IncludeAuthorizedOperations = true });
        Assert.Equal(
            new[] { AclOperation.Create, AclOperation.ClusterAction, AclOperation.DescribeConfigs, AclOperation.AlterConfigs,
                AclOperation.IdempotentWrite, AclOperation.Alter, AclOperation.Describe }.Order(),
            cluster.AuthorizedOperations.Order());

        var topics = await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames([topic]), new DescribeTopicsOptions { IncludeAuthorizedOperations = true });
        Assert.Equal(
            new[] { AclOperation.Read, AclOperation.Write, AclOperation.Create, AclOperation.Describe, AclOperation.Delete,
                AclOperation.Alter, AclOperation.DescribeConfigs, AclOperation.AlterConfigs }.Order(),
            Assert.Single(topics.TopicDescriptions).AuthorizedOperations.Order());

        // A group with a committed offset, so that it exists; DescribeGroups then reports the group's operations.
        var group = $"g-{Guid.NewGuid():N}";
        await admin.AlterConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitionOffsets(group, [new TopicPartitionOffset(topic, 0, 0)])]);
        var groups = await admin.DescribeConsumerGroupsAsync([group], new DescribeConsumerGroupsOptions { IncludeAuthorizedOperations = true });
        Assert.Equal(
            new[] { AclOperation.Read, AclOperation.Describe, AclOperation.Delete, AclOperation.DescribeConfigs, AclOperation.AlterConfigs }.Order(),
            Assert.Single(groups.ConsumerGroupDescriptions).AuthorizedOperations.Order());

        // Not asked for: not computed (Kafka leaves the sentinel, which librdkafka shows as no list).
        var plain = await admin.DescribeClusterAsync(new DescribeClusterOptions { IncludeAuthorizedOperations = false });
        Assert.True(plain.AuthorizedOperations is null || plain.AuthorizedOperations.Count == 0);
    }

    [Fact]
    public async Task RawMetadataV10ReportsClusterAndTopicOperations()
    {
        var topic = KafkaTestClient.UniqueTopic("authraw");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        using var client = await ProtocolClient.ConnectAsync(_fixture.Broker.Port);
        var response = await client.SendAsync<MetadataRequest, MetadataResponse>(new MetadataRequest
        {
            Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }],
            IncludeClusterAuthorizedOperations = true,
            IncludeTopicAuthorizedOperations = true,
        }, 10);
        // Bits 5, 7-12 (CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE).
        Assert.Equal(0b1_1111_1010_0000, response.ClusterAuthorizedOperations);
        // Bits 3-8, 10, 11 (READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS).
        Assert.Equal(0b1101_1111_1000, Assert.Single(response.Topics).TopicAuthorizedOperations);

        var without = await client.SendAsync<MetadataRequest, MetadataResponse>(new MetadataRequest
        {
            Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }],
        }, 10);
        Assert.Equal(int.MinValue, without.ClusterAuthorizedOperations);
        Assert.Equal(int.MinValue, Assert.Single(without.Topics).TopicAuthorizedOperations);
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    private IProducer<byte[]?, byte[]?> TransactionalProducer(string transactionalId)
    {
        var config = KafkaTestClient.ProducerConfig(Bootstrap);
        config.TransactionalId = transactionalId;
        var producer = KafkaTestClient.CreateProducer(config);
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        return producer;
    }

    private static ProduceRequest ProduceOne(string topic, byte[] batch) => new()
    {
        Acks = -1,
        TimeoutMs = 10_000,
        TopicData =
        [
            new ProduceRequest.TopicProduceData
            {
                Name = topic,
                PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = new MemoryRecordSet(batch) }],
            },
        ],
    };

    private async Task<long> LatestOffsetAsync(string topic)
    {
        using var consumer = KafkaTestClient.CreateConsumer(KafkaTestClient.ConsumerConfig(Bootstrap));
        await Task.Yield();
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value;
    }



}
