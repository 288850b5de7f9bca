using Brook.Raft.Messages;
using Microsoft.Extensions.Logging;

namespace Brook.Raft;

// State transitions (Kafka's QuorumState). Each one leaves the current state (answering fetches a leader held),
// persists quorum-state when (epoch, leader, vote) changes, and arms the new state's timers.
public sealed partial class RaftNode
{
    /// <summary>Fetches a former leader held; answered after the transition, so they carry the new state's error and leader.</summary>
    private List<ParkedFetch>? _orphanedFetches;

    private void LeaveCurrentState()
    {
        if (_leader is { } leader && leader.Parked.Count > 0) (_orphanedFetches ??= []).AddRange(leader.Parked.Values);
        _leader = null;
        _inflightRequestId = null;
        _download = null;
        _voteRequests.Clear();
        _granted.Clear();
        _rejected.Clear();
        _roundLost = false;
    }

    private void AnswerOrphanedFetches()
    {
        if (_orphanedFetches is not { } orphaned) return;
        _orphanedFetches = null;
        foreach (var fetch in orphaned) HandleFetchRequest(fetch.From, fetch.Request);
    }

    private void SetEpoch(int epoch)
    {
        if (epoch < _epoch) throw new InvalidOperationException($"epoch would go back from {_epoch} to {epoch}");
        if (epoch > _epoch) _votedId = ElectionState.None;
        _epoch = epoch;
    }

    /// <summary>Unattached in <paramref name="epoch"/> (a newer one, or the current one after losing the leader): no leader known.</summary>
    private void TransitionToUnattached(int epoch, long now)
    {
        LeaveCurrentState();
        SetEpoch(epoch);
        EnterUnattached(now);
        _logger.LogInformation("Raft node {Node} is unattached in epoch {Epoch}", NodeId, _epoch);
        AnswerOrphanedFetches();
    }

    private void EnterUnattached(long now)
    {
        _role = RaftRole.Unattached;
        _leaderId = ElectionState.None;
        Persist();
        if (CanStand) _electionDeadlineMs = now + RandomElectionTimeoutMs();
        else
        {
            // An observer looks for the leader through the bootstrap voters.
            _nextFetchMs = now;
            _fetchTarget = ElectionState.None;
        }
    }

    /// <summary>Follows <paramref name="leaderId"/>, the leader of <paramref name="epoch"/> (≥ the current epoch).</summary>
    private void TransitionToFollower(int epoch, int leaderId, bool leaderContact, long now)
    {
        if (leaderId == NodeId) throw new InvalidOperationException("a node cannot follow itself");
        LeaveCurrentState();
        SetEpoch(epoch);
        EnterFollower(leaderId, leaderContact, now);
        _logger.LogInformation("Raft node {Node} follows leader {Leader} in epoch {Epoch}", NodeId, leaderId, _epoch);
        AnswerOrphanedFetches();
    }

    private void EnterFollower(int leaderId, bool leaderContact, long now)
    {
        _role = RaftRole.Follower;
        _leaderId = leaderId;
        Persist();
        _electionRetries = 0;
        _fetchTimeoutDeadlineMs = now + _config.FetchTimeoutMs;
        _lastLeaderContactMs = leaderContact ? now : long.MinValue / 2;
        _nextFetchMs = now;
        _fetchTarget = leaderId;
    }

    /// <summary>
    /// Pre-vote (KIP-996): same epoch, same vote, nothing persisted; the known leader is kept to fall back to if the
    /// voters say it is alive.
    /// </summary>
    private void TransitionToProspective(long now)
    {
        if (!CanStand) throw new InvalidOperationException("an observer never stands for election");
        LeaveCurrentState();
        if (_role != RaftRole.Follower && _role != RaftRole.Prospective) _leaderId = ElectionState.None;
        _role = RaftRole.Prospective;
        _logger.LogInformation("Raft node {Node} is prospective in epoch {Epoch} (pre-vote for epoch {Next})", NodeId, _epoch, _epoch + 1);
        StartElectionRound(now);
        AnswerOrphanedFetches();
    }

    /// <summary>A new epoch with a vote for itself, persisted before any vote request leaves.</summary>
    private void TransitionToCandidate(long now)
    {
        LeaveCurrentState();
        SetEpoch(_epoch + 1);
        _votedId = NodeId;
        _leaderId = ElectionState.None;
        _role = RaftRole.Candidate;
        Persist();
        _logger.LogInformation("Raft node {Node} is candidate in epoch {Epoch}", NodeId, _epoch);
        StartElectionRound(now);
        AnswerOrphanedFetches();
    }

    private void TransitionToLeader(long now)
    {
        var granting = _granted.Order().ToList();
        LeaveCurrentState();
        _role = RaftRole.Leader;
        _leaderId = NodeId;
        Persist();
        _electionRetries = 0;
        var epochStart = _log.EndOffset;
        _leader = new LeaderState(NodeId, Voters.Ids, granting, epochStart, now);
        // The epoch's first entry; the high watermark can only advance once it commits (Raft's current-term rule).
        var record = new LeaderChangeRecord(NodeId, [.. Voters.Ids], granting);
        _log.Append(RaftBatches.BuildLeaderChange(epochStart, _epoch, _time.GetUtcNow().ToUnixTimeMilliseconds(), record));
        _flushPending = true;
        _logger.LogInformation("Raft node {Node} is leader in epoch {Epoch} from offset {Offset} (votes from {Voters})",
            NodeId, _epoch, epochStart, string.Join(",", granting));
        SendBeginQuorumEpochs(now);
    }

    /// <summary>
    /// Steps down from leading the current epoch. With <paramref name="notifyVoters"/> the voters get EndQuorumEpoch with
    /// the successors ordered by how far they have replicated, so the best one stands at once.
    /// </summary>
    private void TransitionToResigned(bool notifyVoters, long now)
    {
        var leader = _leader!;
        List<int> successors = [.. leader.Voters.Values.OrderByDescending(v => v.EndOffset).ThenBy(v => v.Id).Select(v => v.Id)];
        LeaveCurrentState();
        _role = RaftRole.Resigned;
        _leaderId = ElectionState.None;
        _electionDeadlineMs = now + RandomElectionTimeoutMs();
        _logger.LogInformation("Raft node {Node} resigned in epoch {Epoch} (successors {Successors})", NodeId, _epoch, string.Join(",", successors));
        if (notifyVoters)
        {
            foreach (var voter in _otherVoters)
            {
                Send(voter, new EndQuorumEpochRequest
                {
                    RequestId = NextRequestId(),
                    ClusterId = _config.ClusterId,
                    LeaderEpoch = _epoch,
                    LeaderId = NodeId,
                    PreferredSuccessors = successors,
                });
            }
        }
        AnswerOrphanedFetches();
    }

    /// <summary>
    /// A response (or a request's sender) says who leads: a newer epoch is always adopted; in the current epoch a leader
    /// we did not know is followed (an Unattached or Prospective voter, or a Candidate that lost). Returns whether the
    /// state changed.
    /// </summary>
    private bool MaybeLearnLeader(int fromId, LeaderAndEpoch leader)
    {
        var now = NowMs;
        var known = leader.HasLeader && leader.LeaderId != NodeId;
        if (leader.Epoch > _epoch)
        {
            if (known) TransitionToFollower(leader.Epoch, leader.LeaderId, leaderContact: leader.LeaderId == fromId, now);
            else TransitionToUnattached(leader.Epoch, now);
            return true;
        }
        if (leader.Epoch == _epoch && known && _leaderId != leader.LeaderId
            && _role is RaftRole.Unattached or RaftRole.Prospective or RaftRole.Candidate)
        {
            TransitionToFollower(leader.Epoch, leader.LeaderId, leaderContact: leader.LeaderId == fromId, now);
            return true;
        }
        return false;
    }

    private int RandomElectionTimeoutMs() => _config.ElectionTimeoutMs + _random.Next(_config.ElectionTimeoutMs);
}
