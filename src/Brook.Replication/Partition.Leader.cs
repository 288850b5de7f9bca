using Brook.Common;

namespace Brook.Replication;

// The leader's side of replication: followers' progress, the high watermark, and when the ISR should change.
public sealed partial class Partition
{
    /// <summary>An ISR this leader has asked the controller for and not heard back about (AlterPartition in flight).</summary>
    private IReadOnlyList<int>? _pendingIsr;

    /// <summary>
    /// Leader only: follower <paramref name="replicaId"/> fetched from <paramref name="fetchOffset"/>, which tells that it
    /// has every record below it (and, with brook.log.flush.on.ack, has fsynced them before asking). Updates its
    /// progress and may advance the high watermark. Returns true when the follower is out of the ISR but has caught up
    /// (its log end reached the high watermark and this epoch's start), so the ISR should grow. Ignored for a broker
    /// that is not a replica or when this broker does not lead. <paramref name="logStartOffset"/> is the follower's own
    /// log start (-1: not reported), which the <see cref="LowWatermark"/> follows.
    /// </summary>
    public bool RecordFollowerFetch(int replicaId, long fetchOffset, long nowMs, long logStartOffset = -1)
    {
        lock (_stateLock)
        {
            var state = _state;
            if (state.LeaderId != _localId || replicaId == _localId || !state.Replicas.Contains(replicaId)) return false;
            var logEnd = Log.LogEndOffset;
            if (!_followers.TryGetValue(replicaId, out var progress)) _followers[replicaId] = progress = new ReplicaProgress();
            // Kafka's rule: caught up now if it has reached our end; otherwise it was caught up at its previous fetch
            // if it has now reached what our end was then.
            if (fetchOffset >= logEnd) progress.LastCaughtUpMs = nowMs;
            else if (progress.LastFetchMs >= 0 && fetchOffset >= progress.LeaderEndAtLastFetch) progress.LastCaughtUpMs = Math.Max(progress.LastCaughtUpMs, progress.LastFetchMs);
            progress.LogEndOffset = Math.Min(fetchOffset, logEnd);
            if (logStartOffset >= 0 && logStartOffset != progress.LogStartOffset)
            {
                progress.LogStartOffset = logStartOffset;
                LowWatermarkMoved.Pulse();
            }
            progress.LastFetchMs = nowMs;
            progress.LeaderEndAtLastFetch = logEnd;
            MaybeAdvanceHighWatermark();
            return !state.Isr.Contains(replicaId) && _pendingIsr is null
                && progress.LogEndOffset >= _highWatermark && progress.LogEndOffset >= _leaderEpochStartOffset;
        }
    }

    /// <summary>
    /// KIP-207: a new leader whose high watermark has not yet reached the start of its epoch could answer a "latest
    /// offset" below one the previous leader already gave out; until it has, such queries get OFFSET_NOT_AVAILABLE.
    /// </summary>
    public bool HighWatermarkBelowEpochStart
    {
        get
        {
            lock (_stateLock) return _state.LeaderId == _localId && _highWatermark < _leaderEpochStartOffset;
        }
    }

    /// <summary>The log end offset a follower last reported by fetching, or null if it has not fetched since this broker leads.</summary>
    public long? FollowerLogEndOffset(int replicaId)
    {
        lock (_stateLock) return _followers.TryGetValue(replicaId, out var p) && p.LastFetchMs >= 0 ? p.LogEndOffset : null;
    }

    /// <summary>
    /// Leader only: the ISR to ask for now, or null when none should change — the current one plus
    /// <paramref name="joining"/> (a follower that caught up), or minus every member that has not been caught up for
    /// <paramref name="lagTimeMaxMs"/> (replica.lag.time.max.ms). The leader never drops itself. At most one change is in
    /// flight; <see cref="CompleteIsrChange"/> ends it.
    /// </summary>
    public IReadOnlyList<int>? ProposeIsrChange(long nowMs, long lagTimeMaxMs, int? joining = null)
    {
        lock (_stateLock)
        {
            var state = _state;
            if (state.LeaderId != _localId || _pendingIsr is not null) return null;
            var isr = state.Isr.ToList();
            if (joining is { } id)
            {
                if (isr.Contains(id) || !state.Replicas.Contains(id)) return null;
                isr.Add(id);
            }
            else
            {
                var lagging = isr.Where(r => r != _localId && (!_followers.TryGetValue(r, out var p) || nowMs - p.LastCaughtUpMs > lagTimeMaxMs)).ToList();
                if (lagging.Count == 0) return null;
                isr.RemoveAll(lagging.Contains);
            }
            _pendingIsr = isr;
            return isr;
        }
    }

    /// <summary>
    /// The controller answered the ISR change: with its new state (applied at once, ahead of the metadata), or with an
    /// error (the change is dropped; a fresh state comes with the metadata and the leader asks again if still needed).
    /// </summary>
    public void CompleteIsrChange(PartitionState? accepted)
    {
        lock (_stateLock) _pendingIsr = null;
        if (accepted is not null) ApplyState(accepted);
    }

    /// <summary>
    /// Leader only: the high watermark becomes the smallest log end offset among the in-sync replicas (this broker's
    /// own log end for itself; a follower counts with the offset it last fetched from), where a pending ISR change
    /// counts with both its old and its new members until the controller decided. It never moves back.
    /// </summary>
    private void MaybeAdvanceHighWatermark()
    {
        var state = _state;
        // Strict min ISR (KIP-966): nothing becomes committed while too few replicas are in sync.
        if (Settings.StrictMinIsr && state.Isr.Length < Math.Min(Settings.MinInsyncReplicas, state.Replicas.Length)) return;
        var candidate = Log.LogEndOffset;
        foreach (var replica in _pendingIsr is { } pending ? state.Isr.Union(pending) : state.Isr)
        {
            if (replica == _localId) continue;
            candidate = Math.Min(candidate, _followers.TryGetValue(replica, out var p) && p.LastFetchMs >= 0 ? p.LogEndOffset : 0);
        }
        if (candidate <= _highWatermark) return;
        Volatile.Write(ref _highWatermark, candidate);
        HighWatermarkMoved.Pulse();
    }
}
