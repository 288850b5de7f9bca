using Brook.Common;
using Brook.Raft.Messages;
using Microsoft.Extensions.Logging;

namespace Brook.Raft;

// Elections: pre-vote and vote rounds (KIP-595, KIP-996), granting votes, BeginQuorumEpoch and EndQuorumEpoch.
public sealed partial class RaftNode
{
    /// <summary>When an Unattached, Prospective, Candidate or Resigned voter next acts: stands, or ends its round or backoff.</summary>
    private long _electionDeadlineMs = long.MaxValue;
    /// <summary>Vote requests of the current round: request id → voter.</summary>
    private readonly Dictionary<long, int> _voteRequests = [];
    private readonly HashSet<int> _granted = [];
    private readonly HashSet<int> _rejected = [];
    /// <summary>The round was lost; the node waits out its backoff until <see cref="_electionDeadlineMs"/>.</summary>
    private bool _roundLost;
    /// <summary>Rounds lost in a row: the exponent of the election backoff.</summary>
    private int _electionRetries;

    private void StartElectionRound(long now)
    {
        var preVote = _role == RaftRole.Prospective;
        _voteRequests.Clear();
        _granted.Clear();
        _rejected.Clear();
        _granted.Add(NodeId);
        _roundLost = false;
        _electionDeadlineMs = now + RandomElectionTimeoutMs();
        var end = LogEnd;
        foreach (var voter in _otherVoters)
        {
            var id = NextRequestId();
            _voteRequests[id] = voter;
            Send(voter, new VoteRequest
            {
                RequestId = id,
                ClusterId = _config.ClusterId,
                CandidateEpoch = preVote ? _epoch + 1 : _epoch,
                CandidateId = NodeId,
                VoterId = voter,
                LastOffsetEpoch = end.Epoch,
                LastOffset = end.Offset,
                PreVote = preVote,
            });
        }
        CheckRoundOutcome(now);
    }

    private void PollElection(long now)
    {
        if (now < _electionDeadlineMs) return;
        if (!CanStand)
        {
            // Left the voter set (a resigned leader that removed itself, a candidate that learned it was removed): observe.
            TransitionToUnattached(_epoch, now);
            return;
        }
        switch (_role)
        {
            case RaftRole.Unattached:
            case RaftRole.Resigned:
                TransitionToProspective(now);
                break;
            case RaftRole.Prospective:
                if (_roundLost) StartElectionRound(now);
                else LoseRound(now, "timed out");
                break;
            case RaftRole.Candidate:
                // A lost election starts over with a pre-vote, so a candidate that cannot win does not keep bumping epochs.
                if (_roundLost) TransitionToProspective(now);
                else LoseRound(now, "timed out");
                break;
        }
    }

    private void CheckRoundOutcome(long now)
    {
        // Counted against the voter set at this node's log end, which may have changed during the round.
        var voters = Voters;
        if (_granted.Count(voters.Contains) >= voters.Majority)
        {
            if (_role == RaftRole.Prospective) TransitionToCandidate(now);
            else TransitionToLeader(now);
        }
        else if (_rejected.Count(voters.Contains) > voters.Count - voters.Majority) LoseRound(now, "rejected by a majority");
    }

    /// <summary>
    /// A round that cannot be won any more. A Prospective that knew a leader goes back to following it (KIP-996: the
    /// voters told it the leader lives); otherwise the node waits a random exponential backoff, then tries again.
    /// </summary>
    private void LoseRound(long now, string why)
    {
        _logger.LogInformation("Raft node {Node}: {Kind} round in epoch {Epoch} {Why} ({Granted} granted, {Rejected} rejected)",
            NodeId, _role == RaftRole.Prospective ? "pre-vote" : "vote", _epoch, why, _granted.Count, _rejected.Count);
        _electionRetries++;
        if (_role == RaftRole.Prospective && _leaderId >= 0)
        {
            TransitionToFollower(_epoch, _leaderId, leaderContact: false, now);
            return;
        }
        _voteRequests.Clear();
        _roundLost = true;
        var cap = (int)Math.Min(_config.ElectionBackoffMaxMs, (long)_config.RetryBackoffMs << Math.Min(_electionRetries, 20));
        _electionDeadlineMs = now + _random.Next(Math.Max(cap, 1)) + 1;
    }

    private void HandleVoteRequest(int fromId, VoteRequest request)
    {
        var error = ValidateVoteRequest(request);
        if (error != ErrorCode.None)
        {
            ReplyVote(fromId, request, error, granted: false);
            return;
        }
        var now = NowMs;
        if (request.CandidateEpoch < _epoch)
        {
            ReplyVote(fromId, request, ErrorCode.FencedLeaderEpoch, granted: false);
            return;
        }
        // A real vote in a newer epoch moves this node to it first (persisted); a pre-vote never changes anything here.
        if (!request.PreVote && request.CandidateEpoch > _epoch) TransitionToUnattached(request.CandidateEpoch, now);

        var upToDate = new OffsetAndEpoch(request.LastOffset, request.LastOffsetEpoch) >= LogEnd;
        bool granted;
        if (request.PreVote)
        {
            // KIP-996: no pre-vote while this node hears from a leader, so a node that lost touch cannot disrupt it.
            granted = upToDate && request.CandidateEpoch > _epoch && _role switch
            {
                RaftRole.Leader => false,
                RaftRole.Follower => !HasLiveLeader(now),
                _ => true,
            };
        }
        else
        {
            granted = _role switch
            {
                RaftRole.Unattached or RaftRole.Prospective => _votedId == ElectionState.None ? upToDate : _votedId == request.CandidateId,
                // A candidate, leader or resigned leader voted for itself; a follower has a leader in this epoch.
                _ => false,
            };
            if (granted && _votedId == ElectionState.None)
            {
                // One vote per epoch, durable before the answer leaves.
                LeaveCurrentState();
                _votedId = request.CandidateId;
                EnterUnattached(now);
                _logger.LogInformation("Raft node {Node} voted for {Candidate} in epoch {Epoch}", NodeId, request.CandidateId, _epoch);
                AnswerOrphanedFetches();
            }
            else if (granted && _role == RaftRole.Unattached)
            {
                // Granting again to the same candidate (a retry): give it the time to finish its election.
                _electionDeadlineMs = Math.Max(_electionDeadlineMs, now + RandomElectionTimeoutMs());
            }
        }
        ReplyVote(fromId, request, ErrorCode.None, granted);
    }

    private ErrorCode ValidateVoteRequest(VoteRequest request)
    {
        if (request.ClusterId != _config.ClusterId) return ErrorCode.InconsistentClusterId;
        // KIP-853: the candidate's voter set may be newer than ours (it may count us, or itself, before we learn the
        // change), so neither side's membership is checked here; each counts votes against its own latest set.
        if (request.VoterId != NodeId) return ErrorCode.InconsistentVoterSet;
        if (request.LastOffset < 0 || request.LastOffsetEpoch < 0 || request.LastOffsetEpoch >= request.CandidateEpoch) return ErrorCode.InvalidRequest;
        return ErrorCode.None;
    }

    private void ReplyVote(int to, VoteRequest request, ErrorCode error, bool granted) =>
        Send(to, new VoteResponse { RequestId = request.RequestId, Error = error, CurrentLeader = CurrentLeader, VoteGranted = granted });

    private void HandleVoteResponse(int fromId, VoteResponse response)
    {
        if (MaybeLearnLeader(fromId, response.CurrentLeader)) return;
        if (_role is not (RaftRole.Prospective or RaftRole.Candidate) || _roundLost) return;
        if (!_voteRequests.Remove(response.RequestId, out var voter) || voter != fromId) return;
        if (response.Error != ErrorCode.None) return;
        if (response.VoteGranted) _granted.Add(voter);
        else _rejected.Add(voter);
        CheckRoundOutcome(NowMs);
    }

    /// <summary>A follower that heard from its leader within the fetch timeout (and was not told it resigned).</summary>
    private bool HasLiveLeader(long now) => _role == RaftRole.Follower && now - _lastLeaderContactMs < _config.FetchTimeoutMs;

    private void HandleBeginQuorumEpochRequest(int fromId, BeginQuorumEpochRequest request)
    {
        var error = ErrorCode.None;
        if (request.ClusterId != _config.ClusterId) error = ErrorCode.InconsistentClusterId;
        else if (request.VoterId != NodeId) error = ErrorCode.InconsistentVoterSet;
        else if (request.LeaderEpoch < _epoch) error = ErrorCode.FencedLeaderEpoch;
        else if (request.LeaderEpoch == _epoch && _role is RaftRole.Leader or RaftRole.Resigned) error = ErrorCode.InvalidRequest;
        else
        {
            var now = NowMs;
            if (request.LeaderEpoch > _epoch || _role != RaftRole.Follower || _leaderId != request.LeaderId)
                TransitionToFollower(request.LeaderEpoch, request.LeaderId, leaderContact: fromId == request.LeaderId, now);
            else if (fromId == request.LeaderId) _lastLeaderContactMs = now;
        }
        Send(fromId, new BeginQuorumEpochResponse { RequestId = request.RequestId, Error = error, CurrentLeader = CurrentLeader });
    }

    private void HandleEndQuorumEpochRequest(int fromId, EndQuorumEpochRequest request)
    {
        var error = ErrorCode.None;
        if (request.ClusterId != _config.ClusterId) error = ErrorCode.InconsistentClusterId;
        else if (request.LeaderEpoch < _epoch) error = ErrorCode.FencedLeaderEpoch;
        else
        {
            var now = NowMs;
            var leaderGone = request.LeaderEpoch > _epoch
                || (_role is RaftRole.Follower or RaftRole.Prospective && _leaderId == request.LeaderId)
                || _role == RaftRole.Unattached;
            if (leaderGone && request.LeaderId != NodeId)
            {
                if (_role != RaftRole.Unattached || request.LeaderEpoch > _epoch) TransitionToUnattached(request.LeaderEpoch, now);
                // The resigning leader ranked the successors by replication progress: the first stands at once, the
                // rest later and later (KIP-595), so one usually wins without a split vote.
                var position = IndexOf(request.PreferredSuccessors, NodeId);
                var backoff = position switch
                {
                    < 0 => RandomElectionTimeoutMs(),
                    0 => 0,
                    _ => position * (_config.ElectionTimeoutMs / 2) + _random.Next(_config.RetryBackoffMs),
                };
                _electionDeadlineMs = Math.Min(_electionDeadlineMs, now + backoff);
            }
        }
        Send(fromId, new EndQuorumEpochResponse { RequestId = request.RequestId, Error = error, CurrentLeader = CurrentLeader });
    }

    private static int IndexOf(IReadOnlyList<int> list, int value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value) return i;
        }
        return -1;
    }
}
