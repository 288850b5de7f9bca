using Brook.Common;
using Brook.Raft.Messages;
using Microsoft.Extensions.Logging;

namespace Brook.Raft;

// Followers and observers: one fetch (or snapshot fetch) at a time to the leader, or to a bootstrap voter while an
// observer knows no leader; divergence truncation; the follower's high watermark; snapshot download and install.
public sealed partial class RaftNode
{
    private long _fetchTimeoutDeadlineMs = long.MaxValue;
    /// <summary>Last time the leader showed it is alive (a successful fetch, BeginQuorumEpoch): pre-votes are refused meanwhile.</summary>
    private long _lastLeaderContactMs = long.MinValue / 2;
    private long? _inflightRequestId;
    private long _inflightDeadlineMs;
    private long _nextFetchMs;
    /// <summary>Where fetches go: the leader, or for an Unattached observer the bootstrap voter being tried.</summary>
    private int _fetchTarget = ElectionState.None;
    private SnapshotDownload? _download;

    private long FetchDeadlineMs() => _inflightRequestId is not null ? _inflightDeadlineMs : _nextFetchMs;

    private void PollFetch(long now)
    {
        if (_inflightRequestId is not null)
        {
            if (now < _inflightDeadlineMs) return;
            _inflightRequestId = null;
            if (_role == RaftRole.Unattached) _fetchTarget = ElectionState.None;
        }
        // The next fetch acknowledges the log end, so it waits for the flush (Poll flushes before it gets here).
        if (now < _nextFetchMs || _flushPending) return;
        if (_role == RaftRole.Unattached && _fetchTarget < 0)
        {
            var voters = Voters.Ids;
            _fetchTarget = voters[_random.Next(voters.Count)];
        }
        if (_fetchTarget < 0 || _fetchTarget == NodeId)
        {
            _fetchTarget = ElectionState.None;
            _nextFetchMs = now + _config.RetryBackoffMs;
            return;
        }
        var id = NextRequestId();
        _inflightRequestId = id;
        if (_download is { } download)
        {
            _inflightDeadlineMs = now + _config.RequestTimeoutMs;
            Send(_fetchTarget, new FetchSnapshotRequest
            {
                RequestId = id,
                ClusterId = _config.ClusterId,
                ReplicaId = NodeId,
                CurrentLeaderEpoch = _epoch,
                SnapshotId = download.Id,
                Position = download.Position,
                MaxBytes = _config.SnapshotChunkBytes,
            });
            return;
        }
        _inflightDeadlineMs = now + _config.FetchMaxWaitMs + _config.RequestTimeoutMs;
        Send(_fetchTarget, new FetchRequest
        {
            RequestId = id,
            ClusterId = _config.ClusterId,
            ReplicaId = NodeId,
            CurrentLeaderEpoch = _epoch,
            FetchOffset = _log.EndOffset,
            LastFetchedEpoch = LastEpoch,
            MaxWaitMs = _config.FetchMaxWaitMs,
            MaxBytes = _config.FetchMaxBytes,
        });
    }

    private void HandleFetchResponse(int fromId, FetchResponse response)
    {
        if (response.RequestId != _inflightRequestId)
        {
            // Not the fetch we wait for: only a newer epoch is worth learning from it.
            if (response.CurrentLeader.Epoch > _epoch) MaybeLearnLeader(fromId, response.CurrentLeader);
            return;
        }
        _inflightRequestId = null;
        var now = NowMs;
        if (MaybeLearnLeader(fromId, response.CurrentLeader)) return;
        if (response.Error != ErrorCode.None)
        {
            HandleFetchError(fromId, response.Error, response.CurrentLeader, now);
            return;
        }
        if (_role == RaftRole.Unattached && !CanStand && response.CurrentLeader.LeaderId == fromId && response.CurrentLeader.Epoch == _epoch)
        {
            // An observer found the leader of its epoch by asking it directly; the position it sent is still its own.
            TransitionToFollower(_epoch, fromId, leaderContact: true, now);
        }
        if (_role != RaftRole.Follower || fromId != _leaderId) return;
        LeaderResponded(now);

        if (response.DivergingEpoch is { } diverging)
        {
            TruncateToDivergence(diverging);
            _nextFetchMs = now;
            return;
        }
        if (response.SnapshotId is { } snapshotId)
        {
            _logger.LogInformation("Raft node {Node}: fetch offset {Offset} is below the leader's log start {Start}; fetching snapshot {Snapshot}",
                NodeId, _log.EndOffset, response.LogStartOffset, snapshotId);
            _download = new SnapshotDownload(snapshotId);
            _nextFetchMs = now;
            return;
        }
        if (!response.Records.IsEmpty)
        {
            var usable = WholeBatchesContinuingLog(response.Records.Span);
            if (usable == 0)
            {
                _nextFetchMs = now + _config.RetryBackoffMs;
                return;
            }
            _log.Append(response.Records.Span[..usable]);
            _flushPending = true;
            TrackAppendedVoters(response.Records.Span[..usable], now);
        }
        UpdateFollowerHighWatermark(response.HighWatermark);
        _nextFetchMs = now;
    }

    /// <summary>
    /// How many leading bytes of fetched records can be appended: whole batches (a trailing partial batch is left for the
    /// next fetch, as Kafka allows), starting at this log's end with contiguous offsets, intact CRCs and epochs between
    /// this log's last epoch and the current one. A bad response must not reach the log or stop the node.
    /// </summary>
    private int WholeBatchesContinuingLog(ReadOnlySpan<byte> records)
    {
        var next = _log.EndOffset;
        var minEpoch = LastEpoch;
        var usable = 0;
        var batches = new Brook.Protocol.Records.RecordSetBatches(records);
        while (batches.MoveNext())
        {
            var header = batches.CurrentHeader;
            if (header.BaseOffset != next || header.LastOffset < header.BaseOffset
                || header.PartitionLeaderEpoch < minEpoch || header.PartitionLeaderEpoch > _epoch
                || header.Crc != Brook.Protocol.Records.RecordBatchHeader.ComputeCrc(batches.Current))
            {
                _logger.LogWarning("Raft node {Node}: fetched batch at offset {Offset} (epoch {BatchEpoch}) does not continue the log at {End}; ignoring the rest",
                    NodeId, header.BaseOffset, header.PartitionLeaderEpoch, next);
                break;
            }
            next = header.LastOffset + 1;
            minEpoch = header.PartitionLeaderEpoch;
            usable = batches.CurrentPosition + batches.Current.Length;
        }
        return usable;
    }

    private void LeaderResponded(long now)
    {
        _lastLeaderContactMs = now;
        _fetchTimeoutDeadlineMs = now + _config.FetchTimeoutMs;
    }

    private void HandleFetchError(int fromId, ErrorCode error, LeaderAndEpoch leader, long now)
    {
        if (error == ErrorCode.NotLeaderOrFollower && _role == RaftRole.Follower && fromId == _leaderId && leader.Epoch == _epoch && !leader.HasLeader)
        {
            // Our leader itself says it no longer leads this epoch (it resigned): look for the next one now rather than
            // after the fetch timeout; a voter also stops refusing pre-votes.
            _logger.LogInformation("Raft node {Node}: leader {Leader} of epoch {Epoch} resigned", NodeId, _leaderId, _epoch);
            TransitionToUnattached(_epoch, now);
            return;
        }
        if (_role == RaftRole.Unattached) _fetchTarget = ElectionState.None;
        _nextFetchMs = now + _config.RetryBackoffMs;
    }

    /// <summary>
    /// Cuts the diverged tail (KIP-595). When this log has the leader's diverging epoch, the two agree up to where the
    /// shorter of the two copies of that epoch ends (both hold batches of the same leader, so that is a batch boundary
    /// here too). Otherwise everything after this log's own largest epoch below it goes: the leader has none of those
    /// epochs. The next fetch validates again, so a far divergence takes several steps.
    /// </summary>
    private void TruncateToDivergence(OffsetAndEpoch diverging)
    {
        var local = EndOffsetForEpoch(diverging.Epoch);
        var offset = local switch
        {
            null => _log.StartOffset,
            { } l when l.Epoch == diverging.Epoch => Math.Min(l.Offset, diverging.Offset),
            { } l => l.Offset,
        };
        if (offset >= _log.EndOffset) return;
        if (offset < _highWatermark || offset < _log.StartOffset)
            throw new InvalidOperationException(
                $"node {NodeId} was told to truncate to {offset}, below its high watermark {_highWatermark} (log start {_log.StartOffset}): committed data would be lost");
        _logger.LogInformation("Raft node {Node} truncates its log from {End} to {Offset} (diverging epoch {Diverging})",
            NodeId, _log.EndOffset, offset, diverging);
        _log.TruncateTo(offset);
        _voterHistory.TruncateTo(offset);
        VotersChanged(NowMs);
    }

    /// <summary>The leader's high watermark, capped by this log's end: the prefix up to it matches the leader's, as the fetch was validated.</summary>
    private void UpdateFollowerHighWatermark(long leaderHighWatermark)
    {
        var candidate = Math.Min(leaderHighWatermark, _log.EndOffset);
        if (candidate > _highWatermark) _highWatermark = candidate;
    }

    private void HandleFetchSnapshotResponse(int fromId, FetchSnapshotResponse response)
    {
        if (response.RequestId != _inflightRequestId)
        {
            if (response.CurrentLeader.Epoch > _epoch) MaybeLearnLeader(fromId, response.CurrentLeader);
            return;
        }
        _inflightRequestId = null;
        var now = NowMs;
        if (MaybeLearnLeader(fromId, response.CurrentLeader)) return;
        if (_role != RaftRole.Follower || fromId != _leaderId || _download is not { } download) return;
        if (response.Error is ErrorCode.SnapshotNotFound or ErrorCode.PositionOutOfRange
            || (response.Error == ErrorCode.None && (response.SnapshotId != download.Id || response.Position != download.Position)))
        {
            // The leader moved on to a newer snapshot: fetch again to learn which.
            _download = null;
            _nextFetchMs = now;
            return;
        }
        if (response.Error != ErrorCode.None)
        {
            HandleFetchError(fromId, response.Error, response.CurrentLeader, now);
            return;
        }
        LeaderResponded(now);
        download.Bytes.Write(response.UnalignedRecords.Span);
        _nextFetchMs = now;
        if (download.Position < response.Size) return;
        _download = null;
        InstallSnapshot(download.Id, download.Bytes.ToArray());
    }

    /// <summary>Stores a downloaded snapshot and replaces the whole log by it; the next fetch continues from its end.</summary>
    private void InstallSnapshot(OffsetAndEpoch id, byte[] bytes)
    {
        if (SnapshotFormat.TryRead(id, bytes) is not { } snapshot)
        {
            _logger.LogWarning("Raft node {Node}: snapshot {Snapshot} from the leader is malformed; fetching again", NodeId, id);
            return;
        }
        // Snapshot first, then the log: a crash in between is repaired by Start, which sees the newer snapshot.
        _snapshots.Write(id, bytes);
        _snapshotCache = (id, bytes);
        _log.TruncateFullyAndStartAt(id.Offset);
        _flushPending = false;
        if (id.Offset > _highWatermark) _highWatermark = id.Offset;
        _voterHistory.Reset(snapshot.Voters);
        VotersChanged(NowMs);
        _logger.LogInformation("Raft node {Node} installed snapshot {Snapshot}; its log now starts at {Offset}", NodeId, id, id.Offset);
    }
}
