using Brook.Common;
using Brook.Common.Config;
using Brook.Coordination;
using Brook.Protocol.Records;
using Brook.Replication;

namespace Brook.Server.Groups;

/// <summary>
/// Binds the group coordinator's <see cref="IGroupLog"/> to the real __consumer_offsets partitions: each append is one
/// record batch appended as leader (synchronously, so call order is log order) and, with brook.log.flush.on.ack, made
/// durable by the group-commit flusher before the coordinator treats it as committed.
/// </summary>
public sealed class ConsumerOffsetsLog(ReplicaManager replicas, BrokerConfig config, TimeProvider time) : IGroupLog
{
    public const string TopicName = "__consumer_offsets";

    public ValueTask<long> AppendAsync(int partition, IReadOnlyList<(byte[] Key, byte[]? Value)> records, CancellationToken cancellationToken)
    {
        if (!replicas.TryGetPartition(new TopicPartition(TopicName, partition), out var target))
            return ValueTask.FromException<long>(new KafkaException(ErrorCode.NotLeaderOrFollower, $"{TopicName}-{partition} is not hosted here"));

        byte[] batch;
        using (var builder = new RecordBatchBuilder())
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var (key, value) in records) builder.Add(now, key, value);
            batch = builder.Build();
        }
        var result = target.AppendAsLeader(batch);
        if (result.Error != ErrorCode.None)
            return ValueTask.FromException<long>(new KafkaException(result.Error, result.ErrorMessage ?? $"append to {TopicName}-{partition} failed"));
        if (!config.FlushOnAck) return ValueTask.FromResult(result.LastOffset);
        return WaitDurableAsync(target, result.LastOffset, cancellationToken);
    }

    private async ValueTask<long> WaitDurableAsync(Partition target, long lastOffset, CancellationToken cancellationToken)
    {
        await replicas.Flusher.WaitForDurabilityAsync(target.Log, lastOffset, cancellationToken);
        return lastOffset;
    }
}
