namespace Brook.Metadata;

/// <summary>
/// This broker's id and the broker epoch the controller gave it at registration (-1 before): requests to the
/// controller (AlterPartition, heartbeats) carry the epoch so a request from before a re-registration is refused.
/// </summary>
public sealed class BrokerIdentity(int brokerId)
{
    private long _epoch = -1;

    public int BrokerId { get; } = brokerId;

    public long Epoch
    {
        get => Volatile.Read(ref _epoch);
        set => Volatile.Write(ref _epoch, value);
    }
}
