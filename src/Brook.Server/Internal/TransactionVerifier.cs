using Brook.Client;
using Brook.Common;
using Brook.Protocol.Messages;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Internal;

/// <summary>
/// KIP-890 part 1 across brokers: a partition leader asks the transaction coordinator of a transactional id, wherever
/// it runs, whether partitions were added to the producer's ongoing transaction — AddPartitionsToTxn v4 with
/// VerifyOnly, as Kafka's AddPartitionsToTxnManager does. A coordinator on this broker is asked directly.
/// </summary>
public sealed class TransactionVerifier(TransactionCoordinatorHost transactions, InterBrokerConnections? brokers, int localId, ILogger<TransactionVerifier> logger)
{
    private const short VerifyVersion = 4;

    /// <summary>The coordinator's verdict per partition (its own error codes; the produce path translates them).</summary>
    public async Task<IReadOnlyDictionary<TopicPartition, ErrorCode>> VerifyAsync(string transactionalId, long producerId, short producerEpoch,
        IReadOnlyList<TopicPartition> partitions, CancellationToken ct)
    {
        var coordinator = transactions.CoordinatorFor(transactionalId);
        if (coordinator is null) return All(partitions, ErrorCode.CoordinatorNotAvailable);
        if (coordinator.Id == localId || brokers is null) return VerifyLocally(transactionalId, producerId, producerEpoch, partitions);
        try
        {
            var response = await brokers.Pool.SendAsync<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>(coordinator.Id, new AddPartitionsToTxnRequest
            {
                Transactions = [new()
                {
                    TransactionalId = transactionalId, ProducerId = producerId, ProducerEpoch = producerEpoch, VerifyOnly = true,
                    Topics = [.. partitions.GroupBy(p => p.Topic).Select(g => new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = g.Key, Partitions = [.. g.Select(p => p.Partition)] })],
                }],
            }, VerifyVersion, ct).ConfigureAwait(false);
            if (response.ErrorCode != 0) return All(partitions, (ErrorCode)response.ErrorCode);
            var result = response.ResultsByTransaction.FirstOrDefault();
            if (result is null) return All(partitions, ErrorCode.UnknownServerError);
            var verdicts = result.TopicResults.SelectMany(t => t.ResultsByPartition.Select(p => (new TopicPartition(t.Name, p.PartitionIndex), (ErrorCode)p.PartitionErrorCode)))
                .ToDictionary(v => v.Item1, v => v.Item2);
            return partitions.ToDictionary(p => p, p => verdicts.GetValueOrDefault(p, ErrorCode.UnknownServerError));
        }
        catch (Exception e) when (e is IOException or TimeoutException or KafkaException or Protocol.ProtocolException)
        {
            logger.LogDebug("Verifying transaction {TransactionalId} with coordinator {Coordinator} failed: {Reason}", transactionalId, coordinator.Id, e.Message);
            return All(partitions, ErrorCode.NetworkException);
        }
    }

    private IReadOnlyDictionary<TopicPartition, ErrorCode> VerifyLocally(string transactionalId, long producerId, short producerEpoch, IReadOnlyList<TopicPartition> partitions)
    {
        if (!transactions.IsReady) return All(partitions, ErrorCode.CoordinatorNotAvailable);
        var verified = transactions.Coordinator.VerifyPartitionsInTxn(transactionalId, producerId, producerEpoch, partitions);
        if (verified.Error != ErrorCode.None) return All(partitions, verified.Error);
        return verified.Partitions.ToDictionary(p => new TopicPartition(p.Topic, p.Partition), p => p.Error);
    }

    private static Dictionary<TopicPartition, ErrorCode> All(IEnumerable<TopicPartition> partitions, ErrorCode error) => partitions.ToDictionary(p => p, _ => error);
}
