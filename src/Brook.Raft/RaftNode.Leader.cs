using Brook.Common;
using Brook.Raft.Messages;
using Microsoft.Extensions.Logging;

namespace Brook.Raft;

// The leader: appends, answers (and holds) fetches, validates follower positions, advances the high watermark,
// BeginQuorumEpoch until acknowledged, check-quorum, resignation.
public sealed partial class RaftNode
{
    private LeaderState? _leader;

    /// <summary>
    /// Appends <paramref name="values"/> as one batch (one record each, all or nothing) in the current epoch, if this
    /// node leads. The batch is committed when it comes back through <see cref="IRaftListener.OnCommit"/>.
    /// </summary>
    public RaftAppendResult Append(IReadOnlyList<byte[]> values)
    {
        EnsureStarted();
        if (values.Count == 0) throw new ArgumentException("a batch needs at least one record", nameof(values));
        if (values.Count > _config.MaxRecordsPerBatch)
            throw new ArgumentException($"a batch holds at most {_config.MaxRecordsPerBatch} records", nameof(values));
        if (_role != RaftRole.Leader) return RaftAppendResult.NotLeader(_epoch);
        var baseOffset = _log.EndOffset;
        _log.Append(RaftBatches.BuildData(baseOffset, _epoch, NowMs, values));
        // Counted for the leader itself only after the flush in the next Poll.
        _flushPending = true;
        CompleteParkedFetches();
        return new RaftAppendResult(true, baseOffset, baseOffset + values.Count - 1, _epoch);
    }

    /// <summary>Graceful resignation (before shutdown): EndQuorumEpoch to the voters, then Resigned. False when not leader.</summary>
    public bool Resign()
    {
        EnsureStarted();
        if (_role != RaftRole.Leader) return false;
        TransitionToResigned(notifyVoters: true, NowMs);
        return true;
    }

    /// <summary>Progress of the quorum as this node knows it (complete only on the leader), for DescribeQuorum.</summary>
    public QuorumInfo DescribeQuorum()
    {
        EnsureStarted();
        var now = NowMs;
        var leader = CurrentLeader;
        if (_leader is not { } state)
        {
            var self = new ReplicaInfo(NodeId, _log.EndOffset, -1, -1, Voters.Find(NodeId)?.DirectoryId ?? Uuid.Zero);
            return new QuorumInfo(leader.LeaderId, _epoch, _highWatermark, _role, IsVoter ? [self] : [], IsVoter ? [] : [self], Voters);
        }
        var members = Voters;
        var me = new ReplicaInfo(NodeId, _log.EndOffset, now, now, members.Find(NodeId)?.DirectoryId ?? Uuid.Zero);
        var voters = new List<ReplicaInfo>();
        var observers = new List<ReplicaInfo>();
        (IsVoter ? voters : observers).Add(me);
        voters.AddRange(state.Voters.Values.Select(Info));
        observers.AddRange(state.Observers.Values.Select(Info));
        return new QuorumInfo(NodeId, _epoch, _highWatermark, _role, [.. voters.OrderBy(v => v.ReplicaId)], [.. observers.OrderBy(o => o.ReplicaId)], members);

        ReplicaInfo Info(ReplicaProgress p) => new(p.Id, p.EndOffset, p.LastFetchMs, p.LastCaughtUpMs, members.Find(p.Id)?.DirectoryId ?? Uuid.Zero);
    }

    private void PollLeader(long now)
    {
        var leader = _leader!;
        if (leader.Parked.Count > 0)
        {
            foreach (var fetch in leader.Parked.Values.Where(f => f.DeadlineMs <= now).ToList())
            {
                leader.Parked.Remove(fetch.From);
                AnswerFetch(fetch.From, fetch.Request);
            }
        }
        if (CheckQuorumDeadlineMs(leader) <= now)
        {
            _logger.LogWarning("Raft node {Node}: no fetches from a majority of voters in {Timeout} ms; resigning epoch {Epoch}",
                NodeId, _config.CheckQuorumTimeoutMs, _epoch);
            TransitionToResigned(notifyVoters: true, now);
            return;
        }
        SendBeginQuorumEpochs(now);
    }

    private long LeaderDeadlineMs()
    {
        var leader = _leader!;
        var deadline = CheckQuorumDeadlineMs(leader);
        foreach (var fetch in leader.Parked.Values) deadline = Math.Min(deadline, fetch.DeadlineMs);
        foreach (var voter in leader.Voters.Values)
        {
            var silentFrom = voter.HasFetchedThisEpoch ? voter.LastFetchMs + _config.FetchTimeoutMs : long.MinValue;
            deadline = Math.Min(deadline, Math.Max(silentFrom, voter.BeginQuorumEpochSentMs + _config.BeginQuorumEpochResendMs));
        }
        return deadline;
    }

    /// <summary>When the leader must resign unless more voters fetch: the (majority-1)-th most recent voter fetch plus the timeout.</summary>
    private long CheckQuorumDeadlineMs(LeaderState leader)
    {
        // A leader that removed itself from the voter set no longer counts itself.
        var needed = Majority - (IsVoter ? 1 : 0);
        if (needed == 0) return long.MaxValue;
        Span<long> times = stackalloc long[leader.Voters.Count];
        var i = 0;
        foreach (var voter in leader.Voters.Values) times[i++] = voter.LastFetchMs;
        times.Sort();
        // Ascending: the (needed)-th most recent fetch is needed from the end.
        return times[^needed] + _config.CheckQuorumTimeoutMs;
    }

    /// <summary>
    /// BeginQuorumEpoch to every voter that has not fetched in this epoch, and again to any that went silent for a
    /// fetch timeout: a voter that moved to a higher epoch (a failed candidacy) never fetches from us again, and
    /// pre-votes do not carry its epoch to us, so this is how the leader learns it (from the FENCED_LEADER_EPOCH
    /// answer) and steps down for an election that can include it.
    /// </summary>
    private void SendBeginQuorumEpochs(long now)
    {
        foreach (var voter in _leader!.Voters.Values)
        {
            var silent = !voter.HasFetchedThisEpoch || now - voter.LastFetchMs >= _config.FetchTimeoutMs;
            if (!silent || now < voter.BeginQuorumEpochSentMs + _config.BeginQuorumEpochResendMs) continue;
            voter.BeginQuorumEpochSentMs = now;
            Send(voter.Id, new BeginQuorumEpochRequest
            {
                RequestId = NextRequestId(),
                ClusterId = _config.ClusterId,
                LeaderEpoch = _epoch,
                LeaderId = NodeId,
                VoterId = voter.Id,
            });
        }
    }

    /// <summary>The error a leader-only request in <paramref name="requestEpoch"/> gets here (KIP-320's epoch checks).</summary>
    private ErrorCode LeaderOnlyError(int requestEpoch)
    {
        if (requestEpoch < _epoch) return ErrorCode.FencedLeaderEpoch;
        if (requestEpoch > _epoch) return ErrorCode.UnknownLeaderEpoch;
        return _role == RaftRole.Leader ? ErrorCode.None : ErrorCode.NotLeaderOrFollower;
    }

    private void HandleFetchRequest(int fromId, FetchRequest request)
    {
        ErrorCode error;
        if (request.ClusterId != _config.ClusterId) error = ErrorCode.InconsistentClusterId;
        else if (request.FetchOffset < 0 || request.LastFetchedEpoch < 0 || request.LastFetchedEpoch > request.CurrentLeaderEpoch || request.ReplicaId != fromId)
            error = ErrorCode.InvalidRequest;
        else error = LeaderOnlyError(request.CurrentLeaderEpoch);
        if (error != ErrorCode.None)
        {
            SendFetchError(fromId, request, error);
            return;
        }

        var now = NowMs;
        var leader = _leader!;
        var replica = leader.Replica(fromId);
        // Any fetch in this epoch shows the replica follows us: check-quorum and BeginQuorumEpoch count it.
        replica.LastFetchMs = now;
        replica.HasFetchedThisEpoch = true;
        leader.Parked.Remove(fromId);

        var position = ValidateFetchPosition(request.FetchOffset, request.LastFetchedEpoch);
        if (position.Diverging is not null || position.Snapshot is not null)
        {
            Send(fromId, new FetchResponse
            {
                RequestId = request.RequestId,
                Error = ErrorCode.None,
                HighWatermark = _highWatermark,
                LogStartOffset = _log.StartOffset,
                CurrentLeader = CurrentLeader,
                DivergingEpoch = position.Diverging,
                SnapshotId = position.Snapshot,
                Records = ReadOnlyMemory<byte>.Empty,
            });
            return;
        }

        // A valid position: the replica holds our log up to FetchOffset, and a voter flushed it before asking.
        replica.EndOffset = request.FetchOffset;
        // Caught up (Kafka's lastCaughtUpTimestamp): at the log end now, or at the end the previous fetch saw, as of that
        // fetch; under a steady load a follower is never at the very end when it asks, but it keeps reaching where it was.
        if (request.FetchOffset >= _log.EndOffset) replica.LastCaughtUpMs = now;
        else if (request.FetchOffset >= replica.LeaderEndAtLastFetch) replica.LastCaughtUpMs = Math.Max(replica.LastCaughtUpMs, replica.PreviousFetchMs);
        replica.LeaderEndAtLastFetch = _log.EndOffset;
        replica.PreviousFetchMs = now;
        if (leader.Voters.ContainsKey(fromId)) MaybeAdvanceLeaderHighWatermark();
        if (_role != RaftRole.Leader) return;

        if (request.FetchOffset < _log.EndOffset || _highWatermark > replica.LastSentHighWatermark || request.MaxWaitMs <= 0)
            AnswerFetch(fromId, request);
        else
            leader.Parked[fromId] = new ParkedFetch(fromId, request, now + Math.Min(request.MaxWaitMs, _config.FetchMaxWaitMs));
    }

    private void AnswerFetch(int to, FetchRequest request)
    {
        var records = request.FetchOffset < _log.EndOffset
            ? _log.Read(request.FetchOffset, Math.Min(Math.Max(request.MaxBytes, 1), _config.FetchMaxBytes))
            : ReadOnlyMemory<byte>.Empty;
        if (_leader?.Replica(to) is { } replica) replica.LastSentHighWatermark = _highWatermark;
        Send(to, new FetchResponse
        {
            RequestId = request.RequestId,
            Error = ErrorCode.None,
            HighWatermark = _highWatermark,
            LogStartOffset = _log.StartOffset,
            CurrentLeader = CurrentLeader,
            Records = records,
        });
    }

    private void SendFetchError(int to, FetchRequest request, ErrorCode error) =>
        Send(to, new FetchResponse
        {
            RequestId = request.RequestId,
            Error = error,
            HighWatermark = _highWatermark,
            LogStartOffset = _log.StartOffset,
            CurrentLeader = CurrentLeader,
            Records = ReadOnlyMemory<byte>.Empty,
        });

    /// <summary>Answers every held fetch: the log or the high watermark moved.</summary>
    private void CompleteParkedFetches()
    {
        if (_leader is not { } leader || leader.Parked.Count == 0) return;
        var parked = leader.Parked.Values.ToList();
        leader.Parked.Clear();
        foreach (var fetch in parked) AnswerFetch(fetch.From, fetch.Request);
    }

    /// <summary>
    /// Where a fetcher's (offset, last epoch) stands against this log (KIP-595): valid when this log has an entry of
    /// that epoch just below the offset; below the log start the fetcher needs the snapshot; otherwise it diverged and
    /// gets the largest epoch ≤ its last epoch with that epoch's end here.
    /// </summary>
    private (OffsetAndEpoch? Diverging, OffsetAndEpoch? Snapshot) ValidateFetchPosition(long fetchOffset, int lastFetchedEpoch)
    {
        var logStart = _log.StartOffset;
        var snapshot = logStart > 0 ? _snapshots.Latest : null;
        if (fetchOffset < logStart) return (null, snapshot);
        if (fetchOffset == logStart)
        {
            if (logStart == 0 || SnapshotEpochAtLogStart == lastFetchedEpoch) return (null, null);
            return (null, snapshot);
        }
        var end = EndOffsetForEpoch(lastFetchedEpoch);
        if (end is { } e && e.Epoch == lastFetchedEpoch && e.Offset >= fetchOffset) return (null, null);
        if (end is null) return logStart > 0 ? (null, snapshot) : (new OffsetAndEpoch(0, 0), null);
        if (end.Value.Offset < logStart) return (null, snapshot);
        return (end, null);
    }

    /// <summary>
    /// The high watermark is the largest offset a majority of voters flushed (the leader counts only what it flushed),
    /// and moves only once it passes the epoch's start, i.e. an entry of this epoch is committed; it never moves back.
    /// </summary>
    private void MaybeAdvanceLeaderHighWatermark()
    {
        var leader = _leader!;
        // The voter set at the log end decides, committed or not (KIP-853); a leader outside it does not count itself.
        var self = IsVoter ? 1 : 0;
        Span<long> offsets = stackalloc long[leader.Voters.Count + self];
        if (self == 1) offsets[0] = _log.FlushedEndOffset;
        var i = self;
        foreach (var voter in leader.Voters.Values) offsets[i++] = voter.EndOffset;
        offsets.Sort();
        // Ascending: the majority-th largest is that far from the end.
        var candidate = offsets[^Majority];
        if (candidate <= leader.EpochStartOffset || candidate <= _highWatermark) return;
        _highWatermark = candidate;
        CompleteParkedFetches();
    }

    private void HandleFetchSnapshotRequest(int fromId, FetchSnapshotRequest request)
    {
        var error = request.ClusterId != _config.ClusterId ? ErrorCode.InconsistentClusterId : LeaderOnlyError(request.CurrentLeaderEpoch);
        byte[]? bytes = null;
        if (error == ErrorCode.None)
        {
            var replica = _leader!.Replica(fromId);
            replica.LastFetchMs = NowMs;
            replica.HasFetchedThisEpoch = true;
            bytes = _snapshots.Latest == request.SnapshotId ? ReadSnapshotBytes(request.SnapshotId) : null;
            if (bytes is null) error = ErrorCode.SnapshotNotFound;
            else if (request.Position < 0 || request.Position > bytes.Length) error = ErrorCode.PositionOutOfRange;
        }
        var chunk = ReadOnlyMemory<byte>.Empty;
        if (error == ErrorCode.None)
        {
            var length = (int)Math.Min(bytes!.Length - request.Position, Math.Min(Math.Max(request.MaxBytes, 1), _config.SnapshotChunkBytes));
            chunk = bytes.AsMemory((int)request.Position, length);
        }
        Send(fromId, new FetchSnapshotResponse
        {
            RequestId = request.RequestId,
            Error = error,
            CurrentLeader = CurrentLeader,
            SnapshotId = request.SnapshotId,
            Size = bytes?.Length ?? -1,
            Position = request.Position,
            UnalignedRecords = chunk,
        });
    }
}
