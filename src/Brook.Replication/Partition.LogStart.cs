using Brook.Common;
using Brook.Storage;

namespace Brook.Replication;

// The log start and the low watermark: DeleteRecords and retention move this replica's log start, the followers
// report theirs with every fetch, and a DeleteRecords waits until every in-sync replica has followed.
public sealed partial class Partition
{
    /// <summary>
    /// Leader side of DeleteRecords: moves this replica's log start up to <paramref name="offset"/> (-1 = the high
    /// watermark, never past it; see <see cref="PartitionLog.DeleteRecordsBefore"/>). The followers follow with their
    /// next fetch; <see cref="WaitForLowWatermarkAsync"/> waits for them.
    /// </summary>
    public DeleteRecordsResult DeleteRecordsBefore(long offset)
    {
        var before = Log.LogStartOffset;
        var result = Log.DeleteRecordsBefore(offset, HighWatermark);
        if (result.LowWatermark != before) LowWatermarkMoved.Pulse();
        return result;
    }

    /// <summary>One retention pass over this replica's log up to the high watermark (see <see cref="PartitionLog.ApplyRetention"/>).</summary>
    public RetentionResult ApplyRetention(long nowMs)
    {
        var before = Log.LogStartOffset;
        var result = Log.ApplyRetention(nowMs, HighWatermark);
        if (result.LogStartOffset != before) LowWatermarkMoved.Pulse();
        return result;
    }

    /// <summary>
    /// Leader only: the lowest log start offset of this replica and every other ISR member as their fetches reported it
    /// (Kafka's low watermark; -1 while an ISR member has not reported one, or when this broker does not lead). A
    /// DeleteRecords is complete once it reaches the requested offset: then no replica that could become leader still
    /// serves the deleted records.
    /// </summary>
    public long LowWatermark
    {
        get
        {
            lock (_stateLock)
            {
                var state = _state;
                if (state.LeaderId != _localId) return -1;
                var low = Log.LogStartOffset;
                foreach (var replica in state.Isr)
                {
                    if (replica == _localId) continue;
                    var start = _followers.TryGetValue(replica, out var p) ? p.LogStartOffset : -1;
                    low = Math.Min(low, start);
                }
                return low;
            }
        }
    }

    /// <summary>
    /// Leader only: the wait of a DeleteRecords that moved the log start to <paramref name="target"/>, until every
    /// in-sync replica has followed (<see cref="LowWatermark"/> reached it): NONE with the low watermark then;
    /// NOT_LEADER_OR_FOLLOWER when leadership moved away; REQUEST_TIMED_OUT after <paramref name="timeout"/>. It sleeps
    /// on <see cref="LowWatermarkMoved"/> between checks; cancelling <paramref name="cancellationToken"/> throws.
    /// </summary>
    public async Task<(ErrorCode Error, long LowWatermark)> WaitForLowWatermarkAsync(long target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            while (true)
            {
                // Armed before the read: a move between reading and waiting then completes the task this wait holds,
                // instead of pulsing a signal nobody held.
                var moved = LowWatermarkMoved.WaitTask;
                var low = LowWatermark;
                if (low >= target) return (ErrorCode.None, low);
                if (!IsLeader) return (ErrorCode.NotLeaderOrFollower, -1);
                await moved.WaitAsync(linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (ErrorCode.RequestTimedOut, -1);
        }
    }
}
