using Brook.Common;
using Brook.Storage;

namespace Brook.Replication;

public sealed partial class Partition
{
    private int _offline;

    /// <summary>
    /// Called once when a write, roll, flush or checkpoint of this partition's log fails with an I/O error or a full
    /// disk: the replica manager takes the partition's whole log directory offline (Kafka's LogDirFailureChannel).
    /// </summary>
    public Action<Partition, string>? StorageFailed { get; set; }

    /// <summary>True once the partition's log directory went offline: it serves nothing more until the broker restarts.</summary>
    public bool IsOffline => Volatile.Read(ref _offline) != 0;

    /// <summary>Reports a failed storage operation (see <see cref="StorageFailed"/>); the first report wins.</summary>
    public void ReportStorageFailure(string reason)
    {
        if (IsOffline) return;
        StorageFailed?.Invoke(this, reason);
    }

    /// <summary>
    /// The directory went offline: this replica stops leading and following at once, so acks=all waits and long polls
    /// on it end now (their answer says to look elsewhere) rather than at their timeouts.
    /// </summary>
    public void TakeOffline()
    {
        lock (_stateLock)
        {
            if (Interlocked.Exchange(ref _offline, 1) != 0) return;
            Volatile.Write(ref _state, _state with { LeaderId = -1 });
        }
        HighWatermarkMoved.Pulse();
        LogEndMoved.Pulse();
        LowWatermarkMoved.Pulse();
    }

    private AppendResult Checked(AppendResult result)
    {
        if (result.Error == ErrorCode.KafkaStorageError) ReportStorageFailure(result.ErrorMessage ?? "storage error");
        return result;
    }
}
