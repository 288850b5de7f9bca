using Brook.Raft.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Raft;

/// <summary>
/// One member of a KRaft quorum (KIP-595 with KIP-996 pre-vote), sans I/O: inputs are <see cref="Handle"/> (a message
/// from a peer), <see cref="Poll"/> (when <see cref="NextPollTimeMs"/> has passed) and the local calls; outputs go to
/// the injected transport, log, stores and listener. Single-threaded and synchronous: the caller serializes every
/// call. Time comes only from the <see cref="TimeProvider"/>, randomness only from the <see cref="Random"/>, so a
/// seeded driver replays a run exactly. See docs/RAFT.md.
/// </summary>
public sealed partial class RaftNode
{
    private readonly RaftConfig _config;
    private readonly IRaftLog _log;
    private readonly IQuorumStateStore _stateStore;
    private readonly ISnapshotStore _snapshots;
    private readonly IRaftTransport _transport;
    private readonly IRaftListener _listener;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger _logger;

    private RaftRole _role;
    private int _epoch;
    /// <summary>The leader of <see cref="_epoch"/> if known; kept by a Prospective as the leader to fall back to (KIP-996).</summary>
    private int _leaderId = ElectionState.None;
    private int _votedId = ElectionState.None;
    private ElectionState? _persisted;
    private long _highWatermark;
    private long _nextRequestId;
    private bool _started;
    private bool _flushPending;

    // Listener delivery: the next offset to hand over, and the leader last reported.
    private long _nextDeliveryOffset;
    private LeaderAndEpoch? _notifiedLeader;

    public RaftNode(RaftConfig config, IRaftLog log, IQuorumStateStore stateStore, ISnapshotStore snapshots, IRaftTransport transport,
        IRaftListener listener, TimeProvider time, Random random, ILogger? logger = null)
    {
        config.Validate();
        _config = config;
        _log = log;
        _stateStore = stateStore;
        _snapshots = snapshots;
        _transport = transport;
        _listener = listener;
        _time = time;
        _random = random;
        _logger = logger ?? NullLogger.Instance;
    }

    public int NodeId => _config.NodeId;
    public RaftRole Role => _role;

    /// <summary>The last leader this node stopped following because its fetches timed out, or null.</summary>
    public SilentLeader? LastSilentLeader { get; private set; }
    public int Epoch => _epoch;
    public int VotedId => _votedId;
    /// <summary>Offsets below it are committed; it never decreases while the node runs.</summary>
    public long HighWatermark => _highWatermark;
    public long LogEndOffset => _log.EndOffset;
    public long LogStartOffset => _log.StartOffset;
    public RaftConfig Config => _config;

    /// <summary>The leader this node acts on (none while Resigned: it no longer leads, and no successor is known yet).</summary>
    public LeaderAndEpoch CurrentLeader => new(_role switch
    {
        RaftRole.Leader => NodeId,
        RaftRole.Follower or RaftRole.Prospective => _leaderId,
        _ => LeaderAndEpoch.NoLeader,
    }, _epoch);

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Loads quorum-state, reconciles the log with the latest snapshot (a crash may have come between writing a snapshot
    /// and trimming or replacing the log), and enters the initial state: a former leader of the stored epoch restarts
    /// Resigned (it must not lead an epoch twice), a follower follows the stored leader, anyone else is Unattached,
    /// keeping the stored vote.
    /// </summary>
    public void Start()
    {
        if (_started) throw new InvalidOperationException("the node is already started");
        _started = true;
        _nextRequestId = _random.NextInt64(1, long.MaxValue / 2);
        var stored = _stateStore.Read() ?? ElectionState.Initial;
        _persisted = stored;
        _epoch = stored.Epoch;
        _votedId = stored.VotedId;

        if (_snapshots.Latest is { } snapshot)
        {
            if (_log.StartOffset < snapshot.Offset)
            {
                // The log must continue the snapshot: hold its last entry with the snapshot's epoch, else it diverged.
                if (_log.EndOffset < snapshot.Offset || EpochOfOffset(snapshot.Offset - 1) != snapshot.Epoch)
                    _log.TruncateFullyAndStartAt(snapshot.Offset);
                else
                    _log.DeletePrefixBefore(snapshot.Offset);
            }
            _highWatermark = snapshot.Offset;
        }
        _nextDeliveryOffset = 0;
        LoadVoterHistory();

        var now = NowMs;
        if (!CanStand)
        {
            if (stored.LeaderId >= 0) EnterFollower(stored.LeaderId, leaderContact: false, now);
            else EnterUnattached(now);
        }
        else if (stored.LeaderId == NodeId)
        {
            _role = RaftRole.Resigned;
            _electionDeadlineMs = now + RandomElectionTimeoutMs();
        }
        else if (stored.LeaderId >= 0) EnterFollower(stored.LeaderId, leaderContact: false, now);
        else EnterUnattached(now);
        // The only voter needs nobody's vote: stand at once instead of waiting out an election timeout (a standalone
        // node would otherwise start up to two election timeouts late).
        if (CanStand && Voters.Count == 1) _electionDeadlineMs = now;
        _logger.LogInformation("Raft node {Node} started as {Role} {Kind} in epoch {Epoch} (log {Start}..{End}, voted {Voted}, voters {Voters})",
            NodeId, _role, IsVoter ? "voter" : "observer", _epoch, _log.StartOffset, _log.EndOffset, _votedId, Voters);
    }

    /// <summary>A message from <paramref name="fromId"/>. Requests are answered through the transport before this returns.</summary>
    public void Handle(int fromId, RaftMessage message)
    {
        EnsureStarted();
        // A former leader that speaks again is alive: its silence no longer says when it was last heard from.
        if (LastSilentLeader is { } silent && silent.LeaderId == fromId) LastSilentLeader = null;
        switch (message)
        {
            case VoteRequest r: HandleVoteRequest(fromId, r); break;
            case VoteResponse r: HandleVoteResponse(fromId, r); break;
            case BeginQuorumEpochRequest r: HandleBeginQuorumEpochRequest(fromId, r); break;
            case BeginQuorumEpochResponse r: MaybeLearnLeader(fromId, r.CurrentLeader); break;
            case EndQuorumEpochRequest r: HandleEndQuorumEpochRequest(fromId, r); break;
            case EndQuorumEpochResponse r: MaybeLearnLeader(fromId, r.CurrentLeader); break;
            case FetchRequest r: HandleFetchRequest(fromId, r); break;
            case FetchResponse r: HandleFetchResponse(fromId, r); break;
            case FetchSnapshotRequest r: HandleFetchSnapshotRequest(fromId, r); break;
            case FetchSnapshotResponse r: HandleFetchSnapshotResponse(fromId, r); break;
        }
    }

    /// <summary>
    /// The next time (TimeProvider milliseconds) <see cref="Poll"/> must run; at or before "now" when work is pending
    /// (a flush, a delivery to the listener).
    /// </summary>
    public long NextPollTimeMs
    {
        get
        {
            if (!_started) return long.MaxValue;
            if (_flushPending || (_nextDeliveryOffset < _highWatermark && _highWatermark != _deliveryStalledAt) || _notifiedLeader != CurrentLeader)
                return long.MinValue;
            return _role switch
            {
                RaftRole.Leader => LeaderDeadlineMs(),
                RaftRole.Follower => Math.Min(_fetchTimeoutDeadlineMs, FetchDeadlineMs()),
                RaftRole.Unattached when !CanStand => FetchDeadlineMs(),
                _ => _electionDeadlineMs,
            };
        }
    }

    /// <summary>
    /// Does what is due: flushes appended batches (then counts them), fires timers (election, fetch timeout,
    /// check-quorum, held fetches, retries), sends the next fetch, and delivers commits and leader changes to the listener.
    /// </summary>
    public void Poll()
    {
        EnsureStarted();
        var now = NowMs;
        if (_flushPending)
        {
            // The durability rule: what a fetch offset acknowledges, and what the leader counts for itself, is flushed.
            _log.Flush();
            _flushPending = false;
            if (_role == RaftRole.Leader) MaybeAdvanceLeaderHighWatermark();
        }
        switch (_role)
        {
            case RaftRole.Leader:
                PollLeader(now);
                break;
            case RaftRole.Follower:
                if (now >= _fetchTimeoutDeadlineMs)
                {
                    _logger.LogInformation("Raft node {Node}: no successful fetch from leader {Leader} in {Timeout} ms", NodeId, _leaderId, _config.FetchTimeoutMs);
                    if (_leaderId != ElectionState.None) LastSilentLeader = new SilentLeader(_leaderId, _epoch, _lastLeaderContactMs);
                    if (CanStand) TransitionToProspective(now);
                    else TransitionToUnattached(_epoch, now);
                }
                else PollFetch(now);
                break;
            case RaftRole.Unattached when !CanStand:
                PollFetch(now);
                break;
            default:
                PollElection(now);
                break;
        }
        Deliver();
        MaybeResignRemovedLeader();
    }

    private void EnsureStarted()
    {
        if (!_started) throw new InvalidOperationException("Start the node first");
    }

    private long NextRequestId() => _nextRequestId++;

    private void Send(int destination, RaftMessage message) => _transport.Send(destination, message);

    /// <summary>Writes quorum-state if (epoch, leader, vote) changed; durable before the node acts on the change.</summary>
    private void Persist()
    {
        var leader = _role == RaftRole.Resigned ? NodeId : _role is RaftRole.Leader ? NodeId : _role == RaftRole.Follower ? _leaderId : ElectionState.None;
        var state = new ElectionState(_epoch, leader, _votedId);
        if (state == _persisted) return;
        _stateStore.Write(state);
        _persisted = state;
    }

    // ---- The log's epoch history, completed by the snapshot at its start ----

    /// <summary>Epoch of the last entry, of the snapshot when the log is empty, 0 for an empty history.</summary>
    private int LastEpoch
    {
        get
        {
            var epochs = _log.Epochs;
            return epochs.Count > 0 ? epochs[^1].Epoch : SnapshotEpochAtLogStart ?? 0;
        }
    }

    private OffsetAndEpoch LogEnd => new(_log.EndOffset, LastEpoch);

    /// <summary>The epoch of the entry just below the log start, known from the snapshot that ends there.</summary>
    private int? SnapshotEpochAtLogStart =>
        _log.StartOffset > 0 && _snapshots.Latest is { } s && s.Offset == _log.StartOffset ? s.Epoch : null;

    /// <summary>
    /// The largest epoch ≤ <paramref name="requested"/> in this node's history and the offset where it ends (where the
    /// next epoch starts, or the log end); null when every known epoch is newer.
    /// </summary>
    private OffsetAndEpoch? EndOffsetForEpoch(int requested)
    {
        var epochs = _log.Epochs;
        for (var i = epochs.Count - 1; i >= 0; i--)
        {
            if (epochs[i].Epoch > requested) continue;
            var end = i + 1 < epochs.Count ? epochs[i + 1].StartOffset : _log.EndOffset;
            return new OffsetAndEpoch(end, epochs[i].Epoch);
        }
        if (SnapshotEpochAtLogStart is { } snapshotEpoch && snapshotEpoch <= requested)
            return new OffsetAndEpoch(epochs.Count > 0 ? epochs[0].StartOffset : _log.EndOffset, snapshotEpoch);
        return null;
    }

    /// <summary>Epoch of the entry at <paramref name="offset"/>, or null when the log does not hold it.</summary>
    private int? EpochOfOffset(long offset)
    {
        if (offset < _log.StartOffset || offset >= _log.EndOffset) return null;
        var epochs = _log.Epochs;
        for (var i = epochs.Count - 1; i >= 0; i--)
        {
            if (epochs[i].StartOffset <= offset) return epochs[i].Epoch;
        }
        return null;
    }
}
