using Brook.Common;
using Brook.Common.Config;
using Brook.Coordination;
using Brook.Coordination.Transactions;
using Brook.Protocol.Records;
using Brook.Replication;

namespace Brook.Server.Internal;

/// <summary>
/// Binds a coordinator's log interface to the real partitions of its internal topic (__consumer_offsets,
/// __transaction_state): each append is one record batch appended as leader (synchronously, so call order is log
/// order) and committed as an acks=all produce is (<see cref="ReplicaManager.WaitForCommitAsync"/>: every in-sync
/// replica has it, fsynced with brook.log.flush.on.ack) before the coordinator treats it as written.
/// </summary>
/// <param name="topicName">__consumer_offsets or __transaction_state.</param>
/// <param name="replicas">The hosted partitions.</param>
/// <param name="commitTimeout">How long a write may wait to be committed (offsets.commit.timeout.ms for groups).</param>
/// <param name="time">Clock for the record timestamps.</param>
public sealed class InternalTopicLog(string topicName, ReplicaManager replicas, TimeSpan commitTimeout, TimeProvider time) : IGroupLog, ITransactionLog
{
    public string TopicName => topicName;

    public ValueTask<long> AppendAsync(int partition, IReadOnlyList<(byte[] Key, byte[]? Value)> records, CancellationToken cancellationToken) =>
        Append(partition, records, producerId: -1, producerEpoch: -1, cancellationToken);

    /// <summary>
    /// Appends offsets committed inside a transaction (TxnOffsetCommit) as a transactional batch of that producer, so
    /// they stay pending until its COMMIT or ABORT marker reaches this partition. The sequence continues the producer's
    /// own sequence in this partition (only the coordinator writes it here), which keeps idempotence checks happy.
    /// </summary>
    public ValueTask<long> AppendTransactionalAsync(int partition, long producerId, short producerEpoch,
        IReadOnlyList<(byte[] Key, byte[]? Value)> records, CancellationToken cancellationToken) =>
        Append(partition, records, producerId, producerEpoch, cancellationToken);

    private ValueTask<long> Append(int partition, IReadOnlyList<(byte[] Key, byte[]? Value)> records, long producerId, short producerEpoch,
        CancellationToken cancellationToken)
    {
        var (target, leaderError) = replicas.GetLeaderPartition(new TopicPartition(topicName, partition));
        if (target is null)
            return ValueTask.FromException<long>(new KafkaException(leaderError, $"{topicName}-{partition} is not led by this broker"));

        byte[] batch;
        using (var builder = new RecordBatchBuilder())
        {
            if (producerId >= 0)
            {
                builder.ProducerId = producerId;
                builder.ProducerEpoch = producerEpoch;
                builder.IsTransactional = true;
                builder.BaseSequence = target.Log.ProducerState.TryGetProducer(producerId, out var state) && state.Epoch == producerEpoch && state.LastSequence >= 0
                    ? (state.LastSequence + 1) & int.MaxValue
                    : 0;
            }
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var (key, value) in records) builder.Add(now, key, value);
            batch = builder.Build();
        }
        var result = target.AppendAsLeader(batch, requiredAcks: -1);
        if (result.Error != ErrorCode.None)
            return ValueTask.FromException<long>(new KafkaException(result.Error, result.ErrorMessage ?? $"append to {topicName}-{partition} failed"));
        return WaitForCommitAsync(target, result.LastOffset, cancellationToken);
    }

    private async ValueTask<long> WaitForCommitAsync(Partition target, long lastOffset, CancellationToken cancellationToken)
    {
        var error = await replicas.WaitForCommitAsync(target, lastOffset, commitTimeout, cancellationToken);
        if (error != ErrorCode.None)
            throw new KafkaException(error, $"the write to {topicName}-{target.Id.Partition} at offset {lastOffset} was not committed: {error}");
        return lastOffset;
    }
}
