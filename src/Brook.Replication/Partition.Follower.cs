using Brook.Common;
using Brook.Storage;

namespace Brook.Replication;

// The follower's side of replication: appending what the leader sent, learning the high watermark from it, and
// cutting a diverged tail.
public sealed partial class Partition
{
    /// <summary>
    /// Follower only: appends batches fetched from the leader as they are (offsets, epochs, producer fields kept;
    /// producer and transaction state follow them). NOT_LEADER_OR_FOLLOWER if this broker leads the partition now.
    /// </summary>
    public AppendResult AppendAsFollower(ReadOnlySpan<byte> records)
    {
        lock (_stateLock)
        {
            if (_state.LeaderId == _localId)
                return new AppendResult(ErrorCode.NotLeaderOrFollower, -1, -1, -1, Log.LogStartOffset, $"{Id} is led here now", false);
            return Checked(Log.AppendAsFollower(records));
        }
    }

    /// <summary>
    /// Follower only: the leader's high watermark, capped by what this replica holds. It moves back only when this
    /// replica's log was cut below it.
    /// </summary>
    public void UpdateHighWatermarkFromLeader(long leaderHighWatermark)
    {
        lock (_stateLock)
        {
            if (_state.LeaderId == _localId) return;
            var next = Math.Min(leaderHighWatermark, Log.LogEndOffset);
            if (next <= _highWatermark) return;
            Volatile.Write(ref _highWatermark, next);
        }
        HighWatermarkMoved.Pulse();
    }

    /// <summary>
    /// Follower only: follows the leader's log start (DeleteRecords or retention moved it), up to this replica's high
    /// watermark as Kafka does, so records deleted on the leader do not come back if this replica becomes leader.
    /// Returns the storage error when the move failed (it is retried with the next fetch), else None.
    /// </summary>
    public DeleteRecordsResult? AdvanceLogStartFromLeader(long leaderLogStartOffset)
    {
        lock (_stateLock)
        {
            if (_state.LeaderId == _localId) return null;
            var target = Math.Min(leaderLogStartOffset, _highWatermark);
            if (target <= Log.LogStartOffset) return null;
            // A compacted-only log refuses (POLICY_VIOLATION) exactly as its leader refused DeleteRecords: nothing to follow.
            return Log.DeleteRecordsBefore(target, _highWatermark, reason: "The leader's log start");
        }
    }

    /// <summary>Follower only: removes a diverged tail from <paramref name="offset"/> on (the leader said where the logs agree).</summary>
    public void TruncateTo(long offset)
    {
        lock (_stateLock)
        {
            if (_state.LeaderId == _localId) return;
            _truncations++;
            Log.TruncateTo(offset);
            if (_highWatermark > Log.LogEndOffset) Volatile.Write(ref _highWatermark, Log.LogEndOffset);
        }
    }

    /// <summary>
    /// Follower only: the leader no longer holds this replica's position (retention moved its log start past it):
    /// start over, empty, at the leader's log start.
    /// </summary>
    public void TruncateFullyAndStartAt(long offset)
    {
        lock (_stateLock)
        {
            if (_state.LeaderId == _localId) return;
            _truncations++;
            Log.TruncateFullyAndStartAt(offset);
            Volatile.Write(ref _highWatermark, offset);
        }
    }
}
