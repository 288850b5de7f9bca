using Brook.Common;
using Brook.Raft.Messages;
using Brook.Raft.Storage;
using Brook.Raft.Tests.Simulation;

namespace Brook.Raft.Tests;

/// <summary>Single-node checks of request handling, driven by hand.</summary>
public sealed class RaftNodeTests
{
    private readonly SimClock _clock = new();
    private readonly MemoryQuorumStateStore _state = new();

    private (RaftNode Node, CheckingTransport Transport) NewVoter(int id = 2)
    {
        var transport = new CheckingTransport();
        var node = new RaftNode(new RaftConfig { NodeId = id, ClusterId = "c", Voters = [1, 2, 3] }, new MemoryRaftLog(), _state,
            new MemorySnapshotStore(), transport, new RecordingListener(), _clock, new Random(1));
        node.Start();
        return (node, transport);
    }

    private static VoteRequest Vote(int candidate, int epoch, bool preVote, int voter = 2) => new()
    {
        RequestId = 7,
        ClusterId = "c",
        CandidateEpoch = epoch,
        CandidateId = candidate,
        VoterId = voter,
        LastOffsetEpoch = 0,
        LastOffset = 0,
        PreVote = preVote,
    };

    [Fact]
    public void A_vote_is_persisted_before_the_answer_leaves_and_only_one_candidate_gets_it()
    {
        var (node, transport) = NewVoter();
        transport.OnSend = _ => Assert.Equal(new ElectionState(5, -1, 1), _state.Read());
        node.Handle(1, Vote(1, 5, preVote: false));
        Assert.True(((VoteResponse)transport.Sent[^1].Message).VoteGranted);
        Assert.Equal(RaftRole.Unattached, node.Role);

        transport.OnSend = null;
        node.Handle(3, Vote(3, 5, preVote: false));
        Assert.False(((VoteResponse)transport.Sent[^1].Message).VoteGranted);
        node.Handle(1, Vote(1, 5, preVote: false)); // a retry from the same candidate
        Assert.True(((VoteResponse)transport.Sent[^1].Message).VoteGranted);
    }

    [Fact]
    public void A_pre_vote_changes_nothing_and_stale_or_foreign_requests_are_refused()
    {
        var (node, transport) = NewVoter();
        var writes = _state.WriteCount;
        node.Handle(1, Vote(1, 9, preVote: true));
        Assert.True(((VoteResponse)transport.Sent[^1].Message).VoteGranted);
        Assert.Equal(0, node.Epoch);
        Assert.Equal(writes, _state.WriteCount);

        node.Handle(1, Vote(1, 3, preVote: false));
        node.Handle(3, Vote(3, 2, preVote: false));
        Assert.Equal(ErrorCode.FencedLeaderEpoch, ((VoteResponse)transport.Sent[^1].Message).Error);
        node.Handle(3, Vote(3, 4, preVote: false) with { ClusterId = "other" });
        Assert.Equal(ErrorCode.InconsistentClusterId, ((VoteResponse)transport.Sent[^1].Message).Error);
        // A request meant for another voter is refused; a candidate outside this node's voter set is not (KIP-853:
        // its set may be newer), it gets an ordinary answer.
        node.Handle(9, Vote(9, 4, preVote: false, voter: 5));
        Assert.Equal(ErrorCode.InconsistentVoterSet, ((VoteResponse)transport.Sent[^1].Message).Error);
        node.Handle(9, Vote(9, 4, preVote: true));
        Assert.Equal(ErrorCode.None, ((VoteResponse)transport.Sent[^1].Message).Error);
        node.Handle(3, Vote(3, 4, preVote: false) with { LastOffsetEpoch = 4 });
        Assert.Equal(ErrorCode.InvalidRequest, ((VoteResponse)transport.Sent[^1].Message).Error);
    }

    [Fact]
    public void A_non_leader_answers_fetch_with_the_leader_it_knows()
    {
        var (node, transport) = NewVoter();
        node.Handle(1, new BeginQuorumEpochRequest { RequestId = 1, ClusterId = "c", LeaderEpoch = 4, LeaderId = 1, VoterId = 2 });
        Assert.Equal(RaftRole.Follower, node.Role);
        var fetch = new FetchRequest
        {
            RequestId = 2, ClusterId = "c", ReplicaId = 9, CurrentLeaderEpoch = 4, FetchOffset = 0, LastFetchedEpoch = 0, MaxWaitMs = 0, MaxBytes = 1000,
        };
        node.Handle(9, fetch);
        var response = (FetchResponse)transport.Sent[^1].Message;
        Assert.Equal(ErrorCode.NotLeaderOrFollower, response.Error);
        Assert.Equal(new LeaderAndEpoch(1, 4), response.CurrentLeader);
        node.Handle(9, fetch with { CurrentLeaderEpoch = 2 });
        Assert.Equal(ErrorCode.FencedLeaderEpoch, ((FetchResponse)transport.Sent[^1].Message).Error);
        node.Handle(9, fetch with { CurrentLeaderEpoch = 6 });
        Assert.Equal(ErrorCode.UnknownLeaderEpoch, ((FetchResponse)transport.Sent[^1].Message).Error);
    }

    [Fact]
    public void A_follower_appends_only_whole_batches_that_continue_its_log()
    {
        var log = new MemoryRaftLog();
        var transport = new CheckingTransport();
        var node = new RaftNode(new RaftConfig { NodeId = 2, ClusterId = "c", Voters = [1, 2, 3] }, log, _state, new MemorySnapshotStore(),
            transport, new RecordingListener(), _clock, new Random(1));
        node.Start();
        node.Handle(1, new BeginQuorumEpochRequest { RequestId = 1, ClusterId = "c", LeaderEpoch = 4, LeaderId = 1, VoterId = 2 });
        FetchResponse Answer(ReadOnlyMemory<byte> records)
        {
            node.Poll();
            var fetch = (FetchRequest)transport.Sent.Last(m => m.Message is FetchRequest).Message;
            return new FetchResponse
            {
                RequestId = fetch.RequestId, Error = ErrorCode.None, HighWatermark = 0, LogStartOffset = 0,
                CurrentLeader = new LeaderAndEpoch(1, 4), Records = records,
            };
        }
        var good = RaftBatches.BuildData(0, 4, 1, [[1], [2]]);
        var next = RaftBatches.BuildData(2, 4, 1, [[3]]);
        // A whole batch and a partial one: only the whole batch is taken.
        node.Handle(1, Answer(good.Concat(next.AsSpan(0, 20).ToArray()).ToArray()));
        Assert.Equal(2, log.EndOffset);
        // Wrong offset, newer epoch than the leader's, broken CRC: nothing is taken and the node keeps going.
        _clock.NowMs += 100;
        node.Handle(1, Answer(RaftBatches.BuildData(5, 4, 1, [[9]])));
        _clock.NowMs += 100;
        node.Handle(1, Answer(RaftBatches.BuildData(2, 9, 1, [[9]])));
        var corrupt = (byte[])next.Clone();
        corrupt[^1] ^= 1;
        _clock.NowMs += 100;
        node.Handle(1, Answer(corrupt));
        Assert.Equal(2, log.EndOffset);
        _clock.NowMs += 100;
        node.Handle(1, Answer(next));
        Assert.Equal(3, log.EndOffset);
    }

    /// <summary>
    /// A follower whose leader stops answering fetches remembers it as a silent leader, with the time it was last heard
    /// from (what a new controller dates that node's broker session from); a message from it clears that again.
    /// </summary>
    [Fact]
    public void A_leader_that_falls_silent_is_remembered_with_its_last_contact_until_it_speaks_again()
    {
        var (node, transport) = NewVoter();
        node.Handle(1, new BeginQuorumEpochRequest { RequestId = 1, ClusterId = "c", LeaderEpoch = 4, LeaderId = 1, VoterId = 2 });
        node.Poll();
        var fetch = (FetchRequest)transport.Sent.Last(m => m.Message is FetchRequest).Message;
        var heardAt = _clock.NowMs;
        node.Handle(1, new FetchResponse
        {
            RequestId = fetch.RequestId, Error = ErrorCode.None, HighWatermark = 0, LogStartOffset = 0, CurrentLeader = new LeaderAndEpoch(1, 4),
            Records = ReadOnlyMemory<byte>.Empty,
        });
        Assert.Null(node.LastSilentLeader);

        // Silence past the fetch timeout: the follower stands for election and remembers whom it lost.
        for (var i = 0; i < 30 && node.Role == RaftRole.Follower; i++)
        {
            _clock.NowMs += 100;
            node.Poll();
        }
        Assert.Equal(RaftRole.Prospective, node.Role);
        Assert.Equal(new SilentLeader(1, 4, heardAt), node.LastSilentLeader);

        // The former leader speaks again (a pre-vote of its own): it is alive, so its silence says nothing any more.
        node.Handle(1, Vote(candidate: 1, epoch: 5, preVote: true));
        Assert.Null(node.LastSilentLeader);
    }

    /// <summary>Records what is sent and runs a check at the moment of sending.</summary>
    private sealed class CheckingTransport : IRaftTransport
    {
        public Action<RaftMessage>? OnSend { get; set; }
        public List<(int To, RaftMessage Message)> Sent { get; } = [];

        public void Send(int destinationId, RaftMessage message)
        {
            OnSend?.Invoke(message);
            Sent.Add((destinationId, message));
        }
    }
}
