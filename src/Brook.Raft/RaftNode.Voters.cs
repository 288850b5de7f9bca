using Brook.Common;
using Microsoft.Extensions.Logging;

namespace Brook.Raft;

// The dynamic voter set (KIP-853): the latest voters record in the log, committed or not, or the snapshot's, or the
// bootstrap set; one change at a time through the leader (AddRaftVoter, RemoveRaftVoter, UpdateRaftVoter); a
// replica becomes a voter or an observer as its own log says.
public sealed partial class RaftNode
{
    private VoterSetHistory _voterHistory = null!;
    private int[] _otherVoters = [];
    /// <summary><see cref="CanStand"/> as of the last voter set change: a flip to true arms the election timer.</summary>
    private bool _couldStand;

    /// <summary>The voter set at this node's log end (which may not be committed yet).</summary>
    public VoterSet Voters => _voterHistory.Latest;

    /// <summary>True while the voter set at this node's log end includes it: it votes and counts toward commits.</summary>
    public bool IsVoter => Voters.Contains(NodeId);

    /// <summary>
    /// True when this node may stand for election: it is a voter, or the latest voter set removed it but that removal
    /// is not known to be committed. Such a node may hold the longest log (a leader that removed itself and lost
    /// leadership before the removal committed); if it could not stand, the remaining voters, with shorter logs,
    /// could not win either, and the quorum would stall. It counts only the votes of the set it holds, not its own,
    /// so its election is as safe as any other, and once it leads and commits the removal it resigns.
    /// </summary>
    private bool CanStand => IsVoter || (_voterHistory.LatestOffset >= _highWatermark && _voterHistory.PreviousContains(NodeId));

    private int Majority => _voterHistory.Latest.Majority;

    /// <summary>
    /// Adds <paramref name="voter"/> (KIP-853 AddRaftVoter). Only the leader changes the set, one change at a time,
    /// after its own epoch is committed, and only for an observer that is caught up (else it could not help commit).
    /// </summary>
    public VoterChangeResult AddVoter(RaftVoter voter)
    {
        EnsureStarted();
        if (VoterChangeRefusal() is { } refused) return refused;
        var current = Voters;
        if (current.Contains(voter.Id))
            return VoterChangeResult.Refused(ErrorCode.DuplicateVoter, $"replica {voter.Id} is already a voter");
        if (voter.Endpoints.Count == 0)
            return VoterChangeResult.Refused(ErrorCode.InvalidRequest, $"voter {voter.Id} needs at least one listener endpoint");
        var now = NowMs;
        if (!_leader!.Observers.TryGetValue(voter.Id, out var observer) || observer.LastCaughtUpMs < now - _config.FetchTimeoutMs)
            return VoterChangeResult.Refused(ErrorCode.RequestTimedOut,
                $"replica {voter.Id} is not a caught-up observer of the leader (it must fetch and reach the log end within {_config.FetchTimeoutMs} ms)");
        return AppendVoters(current.With(voter), $"adds voter {voter.Id}", now);
    }

    /// <summary>Removes voter <paramref name="id"/> with directory <paramref name="directoryId"/> (KIP-853 RemoveRaftVoter).</summary>
    public VoterChangeResult RemoveVoter(int id, Uuid directoryId)
    {
        EnsureStarted();
        if (VoterChangeRefusal() is { } refused) return refused;
        var current = Voters;
        if (current.Find(id) is not { } voter || voter.DirectoryId != directoryId)
            return VoterChangeResult.Refused(ErrorCode.VoterNotFound, $"voter {id} with directory {directoryId} is not in the voter set {current}");
        if (current.Count == 1) return VoterChangeResult.Refused(ErrorCode.InvalidRequest, $"voter {id} is the only voter");
        return AppendVoters(current.Without(id), $"removes voter {id}", NowMs);
    }

    /// <summary>A voter's new endpoints (KIP-853 UpdateRaftVoter); unchanged endpoints need no record.</summary>
    public VoterChangeResult UpdateVoter(RaftVoter voter)
    {
        EnsureStarted();
        if (VoterChangeRefusal() is { } refused) return refused;
        var current = Voters;
        if (current.Find(voter.Id) is not { } existing || existing.DirectoryId != voter.DirectoryId)
            return VoterChangeResult.Refused(ErrorCode.VoterNotFound, $"voter {voter.Id} with directory {voter.DirectoryId} is not in the voter set {current}");
        if (voter.Endpoints.Count == 0)
            return VoterChangeResult.Refused(ErrorCode.InvalidRequest, $"voter {voter.Id} needs at least one listener endpoint");
        if (existing.Equals(voter)) return new VoterChangeResult(ErrorCode.None, null, -1, _epoch);
        return AppendVoters(current.With(voter), $"updates the endpoints of voter {voter.Id}", NowMs);
    }

    /// <summary>Why the leader cannot take a voter change now, or null.</summary>
    private VoterChangeResult? VoterChangeRefusal()
    {
        if (_role != RaftRole.Leader) return VoterChangeResult.Refused(ErrorCode.NotLeaderOrFollower, $"node {NodeId} is not the leader ({CurrentLeader})");
        // Ongaro's rule: a leader changes the set only after an entry of its own epoch committed, or a change an earlier
        // leader left uncommitted could combine with this one into two disjoint majorities.
        if (_highWatermark <= _leader!.EpochStartOffset)
            return VoterChangeResult.Refused(ErrorCode.RequestTimedOut, $"leader {NodeId} has not committed its epoch {_epoch} yet");
        if (_voterHistory.LatestOffset >= _highWatermark)
            return VoterChangeResult.Refused(ErrorCode.RequestTimedOut,
                $"the voter change at offset {_voterHistory.LatestOffset} is not committed yet; one change at a time");
        return null;
    }

    private VoterChangeResult AppendVoters(VoterSet voters, string what, long now)
    {
        var offset = _log.EndOffset;
        _log.Append(RaftBatches.BuildVoters(offset, _epoch, now, voters));
        _flushPending = true;
        _logger.LogInformation("Raft leader {Node} {What}: voters {Voters} at offset {Offset} in epoch {Epoch}", NodeId, what, voters, offset, _epoch);
        _voterHistory.Add(offset, voters);
        VotersChanged(now);
        CompleteParkedFetches();
        return new VoterChangeResult(ErrorCode.None, null, offset, _epoch);
    }

    /// <summary>Builds the voter history from the snapshot the log starts at and the voters records in the log.</summary>
    private void LoadVoterHistory()
    {
        _voterHistory = new VoterSetHistory(VoterSet.Bootstrap(_config.Voters, _config.VoterEndpoints));
        if (_snapshots.Latest is { } id && ReadSnapshotBytes(id) is { } bytes) _voterHistory.Reset(SnapshotVoters(bytes));
        var offset = _log.StartOffset;
        while (offset < _log.EndOffset)
        {
            var chunk = _log.Read(offset, DeliveryReadBytes);
            if (chunk.IsEmpty) break;
            foreach (var (at, voters) in RaftBatches.ReadVoters(chunk.Span, MalformedVoters)) _voterHistory.Add(at, voters);
            offset = NextOffsetAfter(chunk.Span);
        }
        _couldStand = CanStand;
        _otherVoters = [.. Voters.Ids.Where(v => v != NodeId)];
    }

    /// <summary>
    /// The voter set in a snapshot's control batches, without decoding its data (delivery parses and checks the whole
    /// snapshot right after start-up; doing that twice would double the start-up cost of a large metadata image); null
    /// when it carries none or does not frame (delivery then reports it as corrupt).
    /// </summary>
    private VoterSet? SnapshotVoters(byte[] bytes)
    {
        try
        {
            return RaftBatches.ReadVoters(bytes, MalformedVoters) is [.., var last] ? last.Voters : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Records the voters records among batches just appended from the leader.</summary>
    private void TrackAppendedVoters(ReadOnlySpan<byte> batches, long now)
    {
        var found = RaftBatches.ReadVoters(batches, MalformedVoters);
        if (found.Count == 0) return;
        foreach (var (offset, voters) in found) _voterHistory.Add(offset, voters);
        VotersChanged(now);
    }

    private void MalformedVoters(long offset, string why) =>
        _logger.LogError("Raft node {Node}: the voters record at offset {Offset} does not decode ({Why}); it is ignored", NodeId, offset, why);

    /// <summary>
    /// The voter set at the log end changed (appended, truncated away, replaced by a snapshot): recompute who votes,
    /// move the leader's replicas between voters and observers, and switch this node's own role between voter and
    /// observer. A leader that removed itself keeps leading until the removal commits (see <see cref="MaybeResignRemovedLeader"/>).
    /// </summary>
    private void VotersChanged(long now)
    {
        var voters = Voters;
        _otherVoters = [.. voters.Ids.Where(v => v != NodeId)];
        _leader?.SetVoters(voters, NodeId, now);
        var canStand = CanStand;
        if (canStand == _couldStand) return;
        _couldStand = canStand;
        _logger.LogInformation("Raft node {Node} is now {What} (voters {Voters})", NodeId, IsVoter ? "a voter" : canStand ? "a removed voter that may still stand" : "an observer", voters);
        switch (_role)
        {
            case RaftRole.Unattached when canStand:
                _electionDeadlineMs = now + RandomElectionTimeoutMs();
                break;
            case RaftRole.Unattached:
                _nextFetchMs = now;
                _fetchTarget = ElectionState.None;
                break;
            case RaftRole.Prospective or RaftRole.Candidate when !canStand:
                TransitionToUnattached(_epoch, now);
                break;
        }
    }

    /// <summary>A leader no longer in the voter set steps down once that set is committed (KIP-853), after delivery answered the change.</summary>
    private void MaybeResignRemovedLeader()
    {
        if (_role != RaftRole.Leader || IsVoter || _voterHistory.LatestOffset >= _highWatermark || _nextDeliveryOffset <= _voterHistory.LatestOffset) return;
        _logger.LogInformation("Raft leader {Node} left the voter set {Voters}; resigning epoch {Epoch}", NodeId, Voters, _epoch);
        TransitionToResigned(notifyVoters: true, NowMs);
    }

    private static long NextOffsetAfter(ReadOnlySpan<byte> batches)
    {
        long next = -1;
        foreach (var batch in new Brook.Protocol.Records.RecordSetBatches(batches)) next = new Brook.Protocol.Records.RecordBatchHeader(batch).LastOffset + 1;
        return next;
    }
}
