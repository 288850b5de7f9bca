using Brook.Raft.Messages;
using Microsoft.Extensions.Logging;

namespace Brook.Raft;

// What the state machine sees: committed batches once and in order, snapshot loads, leader changes; and the
// snapshots it asks for.
public sealed partial class RaftNode
{
    private const int DeliveryReadBytes = 1024 * 1024;

    /// <summary>The bytes of the latest snapshot, kept after the first read since FetchSnapshot serves it chunk by chunk.</summary>
    private (OffsetAndEpoch Id, byte[] Bytes)? _snapshotCache;
    /// <summary>The high watermark at which delivery last found no whole batch to hand over.</summary>
    private long _deliveryStalledAt = -1;

    /// <summary>Offset of the next batch the listener gets: everything below it was delivered (or loaded from a snapshot).</summary>
    public long NextDeliveryOffset => _nextDeliveryOffset;

    /// <summary>
    /// Writes a snapshot of the state machine as of <paramref name="endOffset"/> (everything below it applied; at most
    /// the high watermark and what was delivered, at a batch boundary) and moves the log start up to it, deleting the
    /// older log. Returns the snapshot id; an offset at or below the latest snapshot changes nothing.
    /// </summary>
    public OffsetAndEpoch CreateSnapshot(long endOffset, IReadOnlyList<byte[]> records, long lastContainedLogTimestampMs = -1)
    {
        EnsureStarted();
        if (endOffset > _highWatermark || endOffset > _nextDeliveryOffset)
            throw new ArgumentOutOfRangeException(nameof(endOffset), endOffset,
                $"a snapshot may only cover what is committed ({_highWatermark}) and delivered ({_nextDeliveryOffset})");
        if (_snapshots.Latest is { } latest && endOffset <= latest.Offset) return latest;
        if (endOffset <= 0) throw new ArgumentOutOfRangeException(nameof(endOffset), endOffset, "an empty snapshot is pointless");
        var epoch = EpochOfOffset(endOffset - 1)
            ?? throw new ArgumentOutOfRangeException(nameof(endOffset), endOffset, "the log no longer holds the entry before the snapshot's end");
        var id = new OffsetAndEpoch(endOffset, epoch);
        var bytes = SnapshotFormat.Write(id, lastContainedLogTimestampMs, records, _voterHistory.RecordedBefore(endOffset));
        // Snapshot first, then the prefix: a crash in between leaves a log that Start trims.
        _snapshots.Write(id, bytes);
        _snapshotCache = (id, bytes);
        _log.DeletePrefixBefore(endOffset);
        _voterHistory.CompactBefore(endOffset);
        _logger.LogInformation("Raft node {Node} created snapshot {Snapshot}; log starts at {Start}", NodeId, id, _log.StartOffset);
        return id;
    }

    private byte[]? ReadSnapshotBytes(OffsetAndEpoch id)
    {
        if (_snapshotCache is { } cached && cached.Id == id) return cached.Bytes;
        var bytes = _snapshots.Read(id);
        if (bytes is not null) _snapshotCache = (id, bytes);
        return bytes;
    }

    /// <summary>
    /// Hands the listener the leader change, a snapshot when the next offset to deliver lies below the log start, and
    /// every whole batch below the high watermark. The listener may call back into the node (append, snapshot).
    /// </summary>
    private void Deliver()
    {
        var leader = CurrentLeader;
        if (_notifiedLeader != leader)
        {
            _notifiedLeader = leader;
            _listener.OnLeaderChange(leader);
        }
        while (_nextDeliveryOffset < _highWatermark)
        {
            if (_nextDeliveryOffset < _log.StartOffset)
            {
                var id = _snapshots.Latest ?? throw new InvalidOperationException($"the log starts at {_log.StartOffset} but there is no snapshot");
                var bytes = ReadSnapshotBytes(id) ?? throw new InvalidOperationException($"snapshot {id} cannot be read");
                var snapshot = SnapshotFormat.TryRead(id, bytes) ?? throw new InvalidOperationException($"snapshot {id} is corrupt");
                _logger.LogInformation("Raft node {Node} loads snapshot {Snapshot} into the state machine", NodeId, id);
                _nextDeliveryOffset = id.Offset;
                _listener.OnSnapshotLoad(snapshot);
                continue;
            }
            var batches = RaftBatches.Decode(_log.Read(_nextDeliveryOffset, DeliveryReadBytes).Span, _highWatermark);
            if (batches.Count == 0)
            {
                // The high watermark sits inside a batch (never expected): wait for it to move instead of polling in a loop.
                _deliveryStalledAt = _highWatermark;
                break;
            }
            foreach (var batch in batches)
            {
                if (batch.BaseOffset != _nextDeliveryOffset)
                    throw new InvalidOperationException($"node {NodeId} expected a batch at {_nextDeliveryOffset} but read one at {batch.BaseOffset}");
                _nextDeliveryOffset = batch.NextOffset;
                _listener.OnCommit(batch);
                // The listener may have moved the log start (snapshot) or the role; re-read from the new position.
                if (_nextDeliveryOffset < _log.StartOffset) break;
            }
        }
    }
}
