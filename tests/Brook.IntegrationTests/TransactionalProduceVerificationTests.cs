using System.Diagnostics;
using Brook.IntegrationTests.Infrastructure;
using Brook.IntegrationTests.Wire;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;
using BrookError = Brook.Common.ErrorCode;

using static Brook.IntegrationTests.Wire.CoordinatorRetry;

namespace Brook.IntegrationTests;

/// <summary>
/// KIP-890 verification on the produce path: a transactional batch for a partition that its transaction never added
/// (AddPartitionsToTxn) is refused with INVALID_TXN_STATE, while the added partition takes it.
/// </summary>
[Trait("Category", "Broker")]
public sealed class TransactionalProduceVerificationTests : IClassFixture<TransactionBrokerFixture>, IDisposable
{
    private readonly TransactionBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;

    public TransactionalProduceVerificationTests(TransactionBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    public void Dispose() => _log.Dispose();


    private static ProduceRequest TransactionalProduce(string transactionalId, string topic, int partition, long producerId, short epoch)
    {
        using var builder = new RecordBatchBuilder { ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = 0, IsTransactional = true };
        builder.Add(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), [1], [2]);
        return new ProduceRequest
        {
            TransactionalId = transactionalId,
            Acks = -1,
            TimeoutMs = 10_000,
            TopicData =
            [
                new ProduceRequest.TopicProduceData
                {
                    Name = topic,
                    PartitionData = [new ProduceRequest.PartitionProduceData { Index = partition, Records = new MemoryRecordSet(builder.Build()) }],
                },
            ],
        };
    }

    [Fact]
    public async Task TransactionalProduceToAPartitionNotAddedIsRefused()
    {
        var topic = KafkaTestClient.UniqueTopic("verify");
        await KafkaTestClient.CreateTopicAsync(_fixture.BootstrapServers, topic, 2);
        using var client = await ProtocolClient.ConnectAsync(_fixture.Broker.Port);
        var transactionalId = $"verify-{Guid.NewGuid():N}";

        var init = await RetryAsync(
            () => client.SendAsync<InitProducerIdRequest, InitProducerIdResponse>(
                new InitProducerIdRequest { TransactionalId = transactionalId, TransactionTimeoutMs = 60_000 }, 4),
            r => r.ErrorCode);
        Assert.Equal((short)BrookError.None, init.ErrorCode);

        var added = await RetryAsync(
            () => client.SendAsync<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>(new AddPartitionsToTxnRequest
            {
                Transactions =
                [
                    new AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction
                    {
                        TransactionalId = transactionalId, ProducerId = init.ProducerId, ProducerEpoch = init.ProducerEpoch,
                        Topics = [new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = topic, Partitions = [0] }],
                    },
                ],
            }, 3),
            r => r.ResultsByTransaction.SelectMany(t => t.TopicResults).SelectMany(t => t.ResultsByPartition).Select(p => p.PartitionErrorCode).FirstOrDefault());
        Assert.All(added.ResultsByTransaction.SelectMany(t => t.TopicResults).SelectMany(t => t.ResultsByPartition),
            p => Assert.Equal((short)BrookError.None, p.PartitionErrorCode));

        var refused = await client.SendAsync<ProduceRequest, ProduceResponse>(TransactionalProduce(transactionalId, topic, 1, init.ProducerId, init.ProducerEpoch), 9);
        Assert.Equal((short)BrookError.InvalidTxnState, refused.Responses.Single().PartitionResponses.Single().ErrorCode);

        var accepted = await client.SendAsync<ProduceRequest, ProduceResponse>(TransactionalProduce(transactionalId, topic, 0, init.ProducerId, init.ProducerEpoch), 9);
        var ok = accepted.Responses.Single().PartitionResponses.Single();
        Assert.Equal((short)BrookError.None, ok.ErrorCode);
        Assert.Equal(0, ok.BaseOffset);
    }
}
