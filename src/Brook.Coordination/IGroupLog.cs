namespace Brook.Coordination;

/// <summary>
/// The coordinator's window onto the __consumer_offsets partitions. The host binds it to the real partitions; the
/// coordinator only appends through it and is fed back the partition contents through
/// <see cref="GroupCoordinator.Replay"/> when it takes a partition over.
/// </summary>
public interface IGroupLog
{
    /// <summary>
    /// Appends <paramref name="records"/> (a null value is a tombstone) to one partition as one atomic batch, completing
    /// with the offset of the batch's last record once the batch is durable (committed to the partition's ISR). Fails
    /// with a <see cref="Brook.Common.KafkaException"/> (e.g. NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS) otherwise.
    /// </summary>
    /// <remarks>
    /// The coordinator calls this while holding its own lock so that log order equals decision order; an implementation
    /// must keep the call order of appends to one partition, must not call back into the coordinator, and should return
    /// its (incomplete) task promptly, doing the waiting asynchronously.
    /// </remarks>
    ValueTask<long> AppendAsync(int partition, IReadOnlyList<(byte[] Key, byte[]? Value)> records, CancellationToken cancellationToken);
}
