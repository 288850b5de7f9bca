using System.IO.Hashing;
using System.Text;
using Brook.Raft.Messages;

namespace Brook.Raft.Tests.Simulation;

/// <summary>
/// A deterministic discrete-event simulation of a quorum: a virtual clock, one seeded <see cref="Random"/> from which
/// every choice is drawn, real <see cref="RaftNode"/>s on in-memory storage, and a network that delays, loses,
/// duplicates and reorders messages, with partitions and crashes (with or without losing unflushed log tails).
/// Invariants are checked after every event; after the fault phase the network heals and the cluster must converge.
/// The same seed always replays the same run.
/// </summary>
public sealed class Simulation
{
    private const int TraceLength = 300;

    private readonly SimulationOptions _options;
    private readonly Random _rng;
    private readonly SimClock _clock = new();
    private readonly PriorityQueue<SimEvent, (long Time, long Seq)> _queue = new();
    private readonly Dictionary<int, SimNode> _nodes = [];
    private readonly List<int> _ids = [];
    private readonly List<int> _voterIds = [];
    private readonly HashSet<(int From, int To)> _blocked = [];
    private readonly Dictionary<int, int> _leaderOfEpoch = [];
    private readonly Dictionary<long, (long LastOffset, int Epoch, ulong Hash)> _truthBytes = [];
    private readonly Dictionary<long, (long LastOffset, int Epoch, ulong Hash)> _truthContent = [];
    /// <summary>Offset → rolling hash of the state machine there (all history below it).</summary>
    private readonly Dictionary<long, ulong> _truthState = [];
    /// <summary>Voter changes appended by leaders: offset → epoch (counted as committed when that batch commits).</summary>
    private readonly Dictionary<long, int> _voterChanges = [];
    private readonly (long Time, string What, object? Detail)[] _trace = new (long, string, object?)[TraceLength];
    private long _traceCount;
    private long _seq;
    private bool _faults = true;
    private long _healedAtMs = -1;
    private (int Leader, int Epoch, long LastOffset)? _probe;
    private bool _converged;

    public Simulation(SimulationOptions options)
    {
        _options = options;
        _rng = new Random(options.Seed);
        for (var i = 1; i <= options.Voters + options.Observers; i++)
        {
            var node = new SimNode(i, i <= options.Voters);
            node.Transport = new SimTransport(this, i);
            _nodes[i] = node;
            _ids.Add(i);
            if (node.IsVoter) _voterIds.Add(i);
        }
    }

    /// <summary>Statistics of a finished run.</summary>
    public SimulationStats Stats { get; } = new();

    public IReadOnlyDictionary<int, SimNode> Nodes => _nodes;

    /// <summary>Runs the whole schedule; throws <see cref="SimulationViolationException"/> (with the seed and a trace) on failure.</summary>
    public SimulationStats Run()
    {
        try
        {
            RunUnchecked();
            return Stats;
        }
        catch (Exception e)
        {
            throw new SimulationViolationException(Describe(e));
        }
    }

    private void RunUnchecked()
    {
        var start = _clock.NowMs;
        foreach (var id in _ids) StartNode(_nodes[id]);
        Schedule(start + 1 + _rng.Next(_options.AppendIntervalMs), new ClientAppendEvent());
        if (_options.Partitions) Schedule(start + 500 + _rng.Next(2500), new PartitionEvent());
        if (_options.Crashes) Schedule(start + 1000 + _rng.Next(4000), new CrashEvent());
        if (_options.Resignations) Schedule(start + 2000 + _rng.Next(6000), new ResignEvent());
        if (_options.VoterChanges) Schedule(start + 1500 + _rng.Next(3000), new VoterChangeEvent());
        Schedule(start + _options.FaultPhaseMs, new HealEvent());
        var deadline = start + _options.FaultPhaseMs + _options.ConvergenceBudgetMs;
        while (!_converged && _queue.TryDequeue(out var e, out var at))
        {
            _clock.NowMs = at.Time;
            if (at.Time > deadline) throw new SimulationViolationException($"no convergence within {_options.ConvergenceBudgetMs} ms after the network healed");
            Stats.Events++;
            Process(e);
        }
        if (!_converged) throw new SimulationViolationException("the event queue ran dry before convergence");
        Stats.VirtualMs = _clock.NowMs - start;
        Stats.Seed = _options.Seed;
        Stats.FinalState = string.Join("\n", _nodes.Values.Select(n => n.ToString()));
        Stats.CommittedBatches = _truthBytes.Count;
        Stats.VoterChangesCommitted = _voterChanges.Count(c => _truthBytes.TryGetValue(c.Key, out var t) && t.Epoch == c.Value);
        Stats.Epochs = _leaderOfEpoch.Count;
        foreach (var n in _nodes.Values)
        {
            Stats.SnapshotLoads += n.Machine!.SnapshotLoads;
            Stats.SnapshotsTaken += n.Machine.SnapshotsTaken;
        }
    }

    // ---- scripted use (scenario tests): no random faults; the test drives partitions, crashes and appends ----

    /// <summary>A quiet cluster for scenario tests: no loss, no duplication, 1–2 ms delays; nodes are started.</summary>
    public static Simulation Scripted(int voters, int observers = 0, int seed = 1, int snapshotEveryBatches = 0, int fetchMaxBytes = 16 * 1024)
    {
        var simulation = new Simulation(new SimulationOptions
        {
            Seed = seed,
            Voters = voters,
            Observers = observers,
            LossProbability = 0,
            DuplicationProbability = 0,
            SlowMessageProbability = 0,
            MaxDelayMs = 2,
            Partitions = false,
            Crashes = false,
            Resignations = false,
            SnapshotEveryBatches = snapshotEveryBatches,
            FetchMaxBytes = fetchMaxBytes,
        });
        foreach (var id in simulation._ids) simulation.StartNode(simulation._nodes[id]);
        return simulation;
    }

    public long NowMs => _clock.NowMs;

    /// <summary>Processes events for <paramref name="ms"/> of virtual time (invariants checked throughout).</summary>
    public void RunFor(long ms) => RunUntil(() => false, ms);

    /// <summary>Processes events until <paramref name="condition"/> holds (true) or <paramref name="timeoutMs"/> pass (false).</summary>
    public bool RunUntil(Func<bool> condition, long timeoutMs)
    {
        var end = _clock.NowMs + timeoutMs;
        while (!condition())
        {
            if (!_queue.TryPeek(out var next, out var at) || at.Time > end)
            {
                _clock.NowMs = end;
                return condition();
            }
            _queue.Dequeue();
            _clock.NowMs = at.Time;
            Stats.Events++;
            try
            {
                Process(next);
            }
            catch (Exception e) when (e is not SimulationViolationException)
            {
                throw new SimulationViolationException(Describe(e));
            }
        }
        return true;
    }

    /// <summary>The only node that is up and Leader, if exactly one is.</summary>
    public SimNode? Leader
    {
        get
        {
            var leaders = _nodes.Values.Where(n => n.Raft?.Role == RaftRole.Leader).ToList();
            return leaders.Count == 1 ? leaders[0] : null;
        }
    }

    /// <summary>Waits for one leader that every live node follows; returns it.</summary>
    public SimNode AwaitStableLeader(long timeoutMs = 10_000)
    {
        SimNode? leader = null;
        var ok = RunUntil(() =>
        {
            leader = Leader;
            return leader is not null && _nodes.Values.All(n => !n.IsUp || n == leader
                || (n.Raft!.Role == RaftRole.Follower && n.Raft.CurrentLeader == leader.Raft!.CurrentLeader && n.Raft.HighWatermark == leader.Raft.HighWatermark));
        }, timeoutMs);
        if (!ok) throw new SimulationViolationException(Describe(new TimeoutException("no stable leader")));
        return leader!;
    }

    public RaftAppendResult Append(int nodeId, params byte[][] values)
    {
        var node = _nodes[nodeId];
        var result = node.Raft!.Append(values);
        Trace("append", result);
        AfterInput(node);
        return result;
    }

    /// <summary>Asks node <paramref name="nodeId"/> to add <paramref name="newVoter"/> to the voter set.</summary>
    public VoterChangeResult AddVoter(int nodeId, int newVoter)
    {
        var node = _nodes[nodeId];
        var result = node.Raft!.AddVoter(Voter(newVoter));
        Trace($"add voter {newVoter}", result);
        AfterInput(node);
        return result;
    }

    /// <summary>Asks node <paramref name="nodeId"/> to remove <paramref name="voter"/> (with the directory id its voter set holds, unless given).</summary>
    public VoterChangeResult RemoveVoter(int nodeId, int voter, Brook.Common.Uuid? directoryId = null)
    {
        var node = _nodes[nodeId];
        var result = node.Raft!.RemoveVoter(voter, directoryId ?? node.Raft.Voters.Find(voter)?.DirectoryId ?? Brook.Common.Uuid.Zero);
        Trace($"remove voter {voter}", result);
        AfterInput(node);
        return result;
    }

    public void Block(int from, int to) => _blocked.Add((from, to));

    /// <summary>Cuts <paramref name="id"/> off from every other node, both ways.</summary>
    public void Isolate(int id)
    {
        foreach (var other in _ids)
        {
            if (other == id) continue;
            Block(id, other);
            Block(other, id);
        }
        Trace("isolate", id);
    }

    public void HealNetwork()
    {
        _blocked.Clear();
        Trace("heal partitions", null);
    }

    public void Crash(int id, bool loseUnflushed)
    {
        var node = _nodes[id];
        Trace(loseUnflushed ? "crash, losing the unflushed tail" : "crash", id);
        node.Raft = null;
        node.Machine = null;
        node.Log.Crash(loseUnflushed);
    }

    public void Restart(int id) => StartNode(_nodes[id]);

    public void Resign(int id)
    {
        var node = _nodes[id];
        node.Raft!.Resign();
        AfterInput(node);
    }

    /// <summary>Lets a test act on a node directly (e.g. poll it); the invariants are checked afterwards.</summary>
    public void Touch(int id) => AfterInput(_nodes[id]);

    /// <summary>The simulation state and recent events, for assertion messages.</summary>
    public string Report() => Describe(new InvalidOperationException("report"));

    // ---- events ----

    private abstract record SimEvent;
    private sealed record DeliverEvent(int From, int To, int ToIncarnation, RaftMessage Message) : SimEvent;
    private sealed record PollEvent(int Node, long Token) : SimEvent;
    private sealed record ClientAppendEvent : SimEvent;
    private sealed record PartitionEvent : SimEvent;
    private sealed record CrashEvent : SimEvent;
    private sealed record RestartEvent(int Node) : SimEvent;
    private sealed record HealEvent : SimEvent;
    private sealed record ResignEvent : SimEvent;
    private sealed record ConvergenceCheckEvent : SimEvent;
    private sealed record VoterChangeEvent : SimEvent;

    private void Schedule(long at, SimEvent e) => _queue.Enqueue(e, (at, _seq++));

    private void Process(SimEvent e)
    {
        switch (e)
        {
            case DeliverEvent d:
                var target = _nodes[d.To];
                if (target.Raft is not { } raft || target.Incarnation != d.ToIncarnation) return;
                Trace("deliver", d);
                Stats.Messages++;
                raft.Handle(d.From, d.Message);
                AfterInput(target);
                break;
            case PollEvent p:
                var node = _nodes[p.Node];
                if (node.Raft is not { } r || node.PollToken != p.Token) return;
                node.ScheduledPollMs = long.MaxValue;
                Trace("poll", p.Node);
                r.Poll();
                AfterInput(node);
                break;
            case ClientAppendEvent:
                ClientAppend();
                break;
            case PartitionEvent:
                ChangePartitions();
                break;
            case CrashEvent:
                CrashSomeone();
                break;
            case RestartEvent rs:
                if (!_nodes[rs.Node].IsUp) StartNode(_nodes[rs.Node]);
                break;
            case HealEvent:
                Heal();
                break;
            case ResignEvent:
                if (!_faults) break;
                Schedule(_clock.NowMs + 2000 + _rng.Next(6000), new ResignEvent());
                foreach (var n in _nodes.Values.Where(n => n.Raft?.Role == RaftRole.Leader).ToList())
                {
                    Trace("resign", n.Id);
                    n.Raft!.Resign();
                    AfterInput(n);
                }
                break;
            case VoterChangeEvent:
                ChangeVoters();
                break;
            case ConvergenceCheckEvent:
                CheckConvergence();
                if (!_converged) Schedule(_clock.NowMs + 50, new ConvergenceCheckEvent());
                break;
        }
    }

    internal void OnSend(int from, int to, RaftMessage message)
    {
        if (!_nodes.TryGetValue(to, out var target) || !target.IsUp) return;
        if (_faults && (_blocked.Contains((from, to)) || _rng.NextDouble() < _options.LossProbability))
        {
            Stats.Dropped++;
            return;
        }
        Schedule(_clock.NowMs + Delay(), new DeliverEvent(from, to, target.Incarnation, message));
        if (_faults && _rng.NextDouble() < _options.DuplicationProbability)
            Schedule(_clock.NowMs + Delay(), new DeliverEvent(from, to, target.Incarnation, message));
    }

    private int Delay()
    {
        var delay = 1 + _rng.Next(_options.MaxDelayMs);
        if (_faults && _rng.NextDouble() < _options.SlowMessageProbability) delay += 50 + _rng.Next(300);
        return delay;
    }

    /// <summary>After any input: poll when the node asks, at times a little late (a busy event loop) so crashes can land between an append and its flush.</summary>
    private void AfterInput(SimNode node)
    {
        if (node.Raft is not { } raft) return;
        CheckNode(node);
        var next = raft.NextPollTimeMs;
        var now = _clock.NowMs;
        if (next <= now) next = now + (_faults && _rng.Next(3) == 0 ? 1 + _rng.Next(_options.MaxPollDelayMs) : 0);
        if (next >= node.ScheduledPollMs || next == long.MaxValue) return;
        node.ScheduledPollMs = next;
        Schedule(next, new PollEvent(node.Id, ++node.PollToken));
    }

    private void StartNode(SimNode node)
    {
        node.Incarnation++;
        node.Machine = new SimStateMachine(node.Id, _options.SnapshotEveryBatches);
        var config = new RaftConfig
        {
            NodeId = node.Id,
            ClusterId = "sim-cluster",
            Voters = _voterIds,
            ElectionTimeoutMs = 150,
            FetchTimeoutMs = 300,
            ElectionBackoffMaxMs = 150,
            RetryBackoffMs = 10,
            RequestTimeoutMs = 200,
            FetchMaxWaitMs = 100,
            FetchMaxBytes = _options.FetchMaxBytes,
            SnapshotChunkBytes = 512,
        };
        IRaftLog log = _options.AcknowledgeUnflushed ? new UnflushedAcknowledgingLog(node.Log) : node.Log;
        node.Raft = new RaftNode(config, log, node.State, node.Snapshots, node.Transport!, node.Machine, _clock, new Random(_rng.Next()));
        node.Machine.Node = node.Raft;
        node.LastHighWatermark = -1;
        node.TruthCheckedUpTo = 0;
        node.ScheduledPollMs = long.MaxValue;
        Trace("start", node.Id);
        node.Raft.Start();
        AfterInput(node);
    }

    private void ClientAppend()
    {
        if (!_faults) return;
        Schedule(_clock.NowMs + 1 + _rng.Next(2 * _options.AppendIntervalMs), new ClientAppendEvent());
        var leaders = _nodes.Values.Where(n => n.Raft?.Role == RaftRole.Leader).ToList();
        if (leaders.Count == 0) return;
        var leader = leaders[_rng.Next(leaders.Count)];
        var values = new byte[1 + _rng.Next(3)][];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = new byte[4 + _rng.Next(40)];
            _rng.NextBytes(values[i]);
        }
        var result = leader.Raft!.Append(values);
        if (result.IsAppended) Stats.Appends++;
        Trace("append", result);
        AfterInput(leader);
    }

    /// <summary>
    /// Asks a leader to add a random non-voter or remove a random voter (keeping at least one). Most requests are
    /// refused (a change in flight, an observer not caught up, a leader that has not committed its epoch), which is
    /// part of what is tested; the accepted ones race with crashes, partitions and elections.
    /// </summary>
    private void ChangeVoters()
    {
        if (!_faults) return;
        Schedule(_clock.NowMs + 200 + _rng.Next(1500), new VoterChangeEvent());
        var leaders = _nodes.Values.Where(n => n.Raft?.Role == RaftRole.Leader).ToList();
        if (leaders.Count == 0) return;
        var leader = leaders[_rng.Next(leaders.Count)];
        var raft = leader.Raft!;
        var voters = raft.Voters;
        var outside = _ids.Where(id => !voters.Contains(id)).ToList();
        VoterChangeResult result;
        string what;
        if (outside.Count > 0 && (voters.Count == 1 || _rng.Next(2) == 0))
        {
            var id = outside[_rng.Next(outside.Count)];
            what = $"add {id}";
            result = raft.AddVoter(Voter(id));
        }
        else
        {
            var id = voters.Ids[_rng.Next(voters.Count)];
            what = $"remove {id}";
            result = raft.RemoveVoter(id, voters.Find(id)!.DirectoryId);
        }
        Trace($"voter change: {what}", result);
        if (result.IsAppended)
        {
            Stats.VoterChangesAppended++;
            _voterChanges[result.Offset] = result.Epoch;
        }
        AfterInput(leader);
    }

    /// <summary>The voter record a simulated node joins with: a directory id of its own and a made-up endpoint.</summary>
    public static RaftVoter Voter(int id) => new(id, new Brook.Common.Uuid(id, 7), [new RaftEndpoint("CONTROLLER", $"node{id}", 9093)]);

    private void ChangePartitions()
    {
        if (!_faults) return;
        Schedule(_clock.NowMs + 300 + _rng.Next(_options.PartitionIntervalMs), new PartitionEvent());
        if (_blocked.Count > 0 && _rng.Next(2) == 0)
        {
            _blocked.Clear();
            Trace("heal partitions", null);
            return;
        }
        _blocked.Clear();
        switch (_rng.Next(3))
        {
            case 0:
                // One node cut off both ways.
                var isolated = _ids[_rng.Next(_ids.Count)];
                foreach (var other in _ids)
                {
                    if (other == isolated) continue;
                    _blocked.Add((isolated, other));
                    _blocked.Add((other, isolated));
                }
                Trace("isolate", isolated);
                break;
            case 1:
                // Two random groups.
                var side = _ids.ToDictionary(i => i, _ => _rng.Next(2));
                foreach (var a in _ids)
                foreach (var b in _ids)
                {
                    if (side[a] != side[b]) _blocked.Add((a, b));
                }
                Trace("split", string.Join(",", _ids.Where(i => side[i] == 0)));
                break;
            default:
                // One-way links: messages from some nodes to others are lost, the replies still arrive.
                var count = 1 + _rng.Next(_ids.Count);
                for (var i = 0; i < count; i++)
                {
                    var a = _ids[_rng.Next(_ids.Count)];
                    var b = _ids[_rng.Next(_ids.Count)];
                    if (a != b) _blocked.Add((a, b));
                }
                Trace("one-way", string.Join(" ", _blocked.Select(x => $"{x.From}->{x.To}")));
                break;
        }
    }

    private void CrashSomeone()
    {
        if (!_faults) return;
        Schedule(_clock.NowMs + 500 + _rng.Next(_options.CrashIntervalMs), new CrashEvent());
        var up = _nodes.Values.Where(n => n.IsUp).ToList();
        if (up.Count == 0) return;
        var victim = up[_rng.Next(up.Count)];
        var loseTail = _rng.Next(2) == 0;
        Trace(loseTail ? "crash, losing the unflushed tail" : "crash", victim.Id);
        victim.Raft = null;
        victim.Machine = null;
        victim.Log.Crash(loseTail);
        Stats.Crashes++;
        Schedule(_clock.NowMs + 50 + _rng.Next(3000), new RestartEvent(victim.Id));
    }

    private void Heal()
    {
        _faults = false;
        _blocked.Clear();
        _healedAtMs = _clock.NowMs;
        Trace("heal everything", null);
        foreach (var n in _nodes.Values)
        {
            if (!n.IsUp) StartNode(n);
        }
        Schedule(_clock.NowMs + 50, new ConvergenceCheckEvent());
    }

    /// <summary>One leader that everyone follows, a probe append committed on every node, and identical logs and high watermarks.</summary>
    private void CheckConvergence()
    {
        var leaders = _nodes.Values.Where(n => n.Raft!.Role == RaftRole.Leader).ToList();
        if (leaders.Count != 1) return;
        var leader = leaders[0].Raft!;
        if (_nodes.Values.Any(n => n.Raft != leader && (n.Raft!.Role != RaftRole.Follower || n.Raft.CurrentLeader != leader.CurrentLeader))) return;
        if (_probe is not { } probe || probe.Leader != leader.NodeId || probe.Epoch != leader.Epoch)
        {
            var result = leader.Append([Encoding.UTF8.GetBytes("probe")]);
            if (!result.IsAppended) return;
            _probe = (leader.NodeId, leader.Epoch, result.LastOffset);
            Trace("probe append", result);
            AfterInput(leaders[0]);
            return;
        }
        var end = leader.LogEndOffset;
        foreach (var n in _nodes.Values)
        {
            if (n.Machine!.NextOffset <= probe.LastOffset || n.Log.EndOffset != end || n.Raft!.HighWatermark != end) return;
        }
        // Same bytes everywhere from the largest log start on.
        var from = _nodes.Values.Max(n => n.Log.StartOffset);
        var reference = BatchesFrom(leaders[0], from);
        foreach (var n in _nodes.Values)
        {
            var batches = BatchesFrom(n, from);
            if (!batches.SequenceEqual(reference))
                throw new SimulationViolationException($"node {n.Id}'s log differs from the leader's after convergence");
        }
        // One voter set everywhere, and the leader in it.
        foreach (var n in _nodes.Values)
        {
            if (!n.Raft!.Voters.SameMembers(leader.Voters))
                throw new SimulationViolationException($"node {n.Id} has voters {n.Raft.Voters}, the leader {leader.Voters}, after convergence");
        }
        if (!leader.IsVoter) return;
        _converged = true;
        Stats.ConvergenceMs = _clock.NowMs - _healedAtMs;
    }

    private static List<(long, int, ulong)> BatchesFrom(SimNode node, long from) =>
        [.. node.Log.Batches.Where(b => b.BaseOffset >= from).Select(b => (b.BaseOffset, b.Epoch, XxHash64.HashToUInt64(b.Bytes)))];

    // ---- invariants ----

    private void CheckNode(SimNode node)
    {
        var raft = node.Raft!;
        if (raft.Epoch < node.LastEpoch) throw new SimulationViolationException($"node {node.Id}: epoch went back from {node.LastEpoch} to {raft.Epoch}");
        node.LastEpoch = raft.Epoch;
        if (raft.HighWatermark < node.LastHighWatermark)
            throw new SimulationViolationException($"node {node.Id}: high watermark went back from {node.LastHighWatermark} to {raft.HighWatermark}");
        node.LastHighWatermark = raft.HighWatermark;
        if (raft.HighWatermark > node.Log.EndOffset)
            throw new SimulationViolationException($"node {node.Id}: high watermark {raft.HighWatermark} beyond its log end {node.Log.EndOffset}");

        if (raft.Role == RaftRole.Leader)
        {
            if (_leaderOfEpoch.TryGetValue(raft.Epoch, out var existing))
            {
                if (existing != node.Id) throw new SimulationViolationException($"two leaders in epoch {raft.Epoch}: {existing} and {node.Id}");
            }
            else
            {
                _leaderOfEpoch[raft.Epoch] = node.Id;
                Trace("new leader", $"{node.Id} in epoch {raft.Epoch}");
                CheckLeaderHoldsCommitted(node);
            }
        }

        // The committed prefix of the log: the first node to commit a batch defines it, all others must agree.
        var batches = node.Log.Batches;
        var hw = raft.HighWatermark;
        var fromOffset = Math.Max(node.TruthCheckedUpTo, node.Log.StartOffset);
        if (fromOffset < hw)
        {
            var i = FirstBatchAtOrAfter(batches, fromOffset);
            for (; i < batches.Count && batches[i].LastOffset < hw; i++)
            {
                var b = batches[i];
                Observe(_truthBytes, "log", node.Id, b.BaseOffset, b.LastOffset, b.Epoch, XxHash64.HashToUInt64(b.Bytes));
                node.TruthCheckedUpTo = b.LastOffset + 1;
            }
        }
        // Everything the state machine applied (including what a snapshot restored) agrees with the truth too.
        // A snapshot's state must be the state every other node had at its offset.
        var machine = node.Machine!;
        foreach (var (offset, rolling) in machine.Loaded) ObserveState(node.Id, "loaded snapshot", offset, rolling);
        machine.Loaded.Clear();
        foreach (var a in machine.Applied)
        {
            Observe(_truthContent, "state machine", node.Id, a.BaseOffset, a.LastOffset, a.Epoch, a.Hash);
            ObserveState(node.Id, "state machine", a.LastOffset + 1, a.RollingAfter);
        }
        machine.Applied.Clear();
    }

    private void Observe(Dictionary<long, (long LastOffset, int Epoch, ulong Hash)> truth, string what, int nodeId, long baseOffset, long lastOffset, int epoch, ulong hash)
    {
        if (truth.TryGetValue(baseOffset, out var known))
        {
            if (known != (lastOffset, epoch, hash))
                throw new SimulationViolationException(
                    $"node {nodeId}'s {what} has committed batch {baseOffset}..{lastOffset} of epoch {epoch}, but {baseOffset}..{known.LastOffset} of epoch {known.Epoch} was committed before (or the bytes differ)");
            return;
        }
        truth[baseOffset] = (lastOffset, epoch, hash);
    }

    private void ObserveState(int nodeId, string what, long offset, ulong rolling)
    {
        if (_truthState.TryGetValue(offset, out var known))
        {
            if (known != rolling) throw new SimulationViolationException($"node {nodeId}'s {what} at offset {offset} differs from the state other nodes had there");
            return;
        }
        _truthState[offset] = rolling;
    }

    /// <summary>A new leader must hold every batch committed so far (those above its log start; a snapshot covers the rest).</summary>
    private void CheckLeaderHoldsCommitted(SimNode node)
    {
        var batches = node.Log.Batches;
        foreach (var (baseOffset, t) in _truthBytes)
        {
            if (baseOffset < node.Log.StartOffset) continue;
            var i = FirstBatchAtOrAfter(batches, baseOffset);
            if (i >= batches.Count || batches[i].BaseOffset != baseOffset || batches[i].Epoch != t.Epoch || XxHash64.HashToUInt64(batches[i].Bytes) != t.Hash)
                throw new SimulationViolationException($"new leader {node.Id} (epoch {node.Raft!.Epoch}) lacks committed batch {baseOffset}..{t.LastOffset} of epoch {t.Epoch}");
        }
        if (_truthBytes.Count > 0 && node.Log.EndOffset < _truthBytes.Values.Max(t => t.LastOffset) + 1)
            throw new SimulationViolationException($"new leader {node.Id} has log end {node.Log.EndOffset}, below committed data");
    }

    private static int FirstBatchAtOrAfter(IReadOnlyList<Brook.Raft.Storage.StoredBatch> batches, long offset)
    {
        int lo = 0, hi = batches.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (batches[mid].LastOffset < offset) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    // ---- reporting ----

    private void Trace(string what, object? detail)
    {
        _trace[_traceCount % TraceLength] = (_clock.NowMs, what, detail);
        _traceCount++;
    }

    private string Describe(Exception e)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Raft simulation failed at virtual time +{_clock.NowMs - 1_000_000} ms: {e.Message}");
        sb.AppendLine($"  {_options}");
        sb.AppendLine($"  reproduce: BROOK_RAFT_SEED={_options.Seed} dotnet test tests/Brook.Raft.Tests -c Release --filter Reproduce");
        if (e is not SimulationViolationException) sb.AppendLine(e.ToString());
        foreach (var n in _nodes.Values)
        {
            sb.AppendLine("  " + n);
            sb.AppendLine("    last batches: " + string.Join(" ", n.Log.Batches.TakeLast(10).Select(b => $"{b.BaseOffset}..{b.LastOffset}@{b.Epoch}")));
        }
        sb.AppendLine("  last events:");
        var first = Math.Max(0, _traceCount - 60);
        for (var i = first; i < _traceCount; i++)
        {
            var (time, what, detail) = _trace[i % TraceLength];
            sb.AppendLine($"    +{time - 1_000_000} {what} {detail}");
        }
        return sb.ToString();
    }
}
