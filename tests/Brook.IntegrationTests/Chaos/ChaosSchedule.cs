using System.Globalization;
using System.Text;

namespace Brook.IntegrationTests.Chaos;

/// <summary>The kinds of fault a <see cref="Nemesis"/> can inflict.</summary>
public enum FaultKind
{
    /// <summary>SIGKILL a node, keep it down for the step's duration, start it again on the same directory.</summary>
    KillRestart,

    /// <summary>SIGTERM a node (controlled shutdown: its leaderships move first), keep it down, start it again.</summary>
    StopRestart,

    /// <summary>SIGSTOP a node for the step's duration, then SIGCONT: a long GC pause or a hung VM, sockets open.</summary>
    Pause,

    /// <summary>Cut a node off both other nodes (clients still reach it): a leader that cannot replicate or heartbeat.</summary>
    Isolate,

    /// <summary>Cut the link between two nodes, both ways; each still reaches the third, so a majority remains.</summary>
    CutLink,

    /// <summary>Cut the test process (every client) off one node; the nodes still reach each other.</summary>
    CutFromClients,

    /// <summary>
    /// An operator's move (AlterPartitionReassignments): one partition of the workload's topic gets another set of
    /// replicas among all the brokers; the move runs on through later steps until it completes.
    /// </summary>
    Reassign,

    /// <summary>ElectLeaders PREFERRED for every partition of the workload's topic (leadership moves back to the first replica).</summary>
    ElectPreferred,

    /// <summary>
    /// Removes the broker-only node the way an operator retires a broker: its replicas are reassigned to the other
    /// brokers, it stops (SIGTERM) once it holds none, and UnregisterBroker removes it; at the heal it starts again and
    /// registers as a new broker would (broker add).
    /// </summary>
    Decommission,
}

/// <summary>One fault: inflicted at <see cref="At"/> after the run starts, healed <see cref="Duration"/> later.</summary>
/// <param name="Node">The node the fault hits (ids 1..N).</param>
/// <param name="Other">The other end of a <see cref="FaultKind.CutLink"/>; 0 for the other kinds.</param>
public sealed record FaultStep(TimeSpan At, FaultKind Kind, int Node, int Other, TimeSpan Duration)
{
    public TimeSpan HealAt => At + Duration;

    /// <summary>The partition a <see cref="FaultKind.Reassign"/> moves.</summary>
    public int Partition { get; init; }

    /// <summary>The replicas a <see cref="FaultKind.Reassign"/> moves it to, preferred leader first.</summary>
    public IReadOnlyList<int> Replicas { get; init; } = [];

    public override string ToString()
    {
        var target = Kind switch
        {
            FaultKind.CutLink => $"node {Node}<->{Other}",
            FaultKind.Reassign => $"p{Partition} -> [{string.Join(",", Replicas)}]",
            FaultKind.ElectPreferred => "all partitions",
            _ => $"node {Node.ToString(CultureInfo.InvariantCulture)}",
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"t={At.TotalSeconds,6:0.0}s {Kind,-14} {target,-16} for {Duration.TotalSeconds:0.0}s");
    }
}

/// <summary>
/// A reproducible fault schedule: the same seed, node count and duration always give the same steps. Steps never
/// overlap (each is healed before the next begins), so at most one node is ever away and a majority of the quorum and
/// of every partition's replicas stays up: everything acknowledged must survive, and progress must resume after each
/// heal. Link faults are drawn only when the cluster runs in a network namespace.
/// </summary>
public sealed class ChaosSchedule
{
    private ChaosSchedule(int seed, int nodes, bool network, int brokerOnlyNodes, IReadOnlyList<FaultStep> steps)
    {
        Seed = seed;
        NodeCount = nodes;
        IncludesNetworkFaults = network;
        BrokerOnlyNodes = brokerOnlyNodes;
        Steps = steps;
    }

    public int Seed { get; }

    public int NodeCount { get; }

    public bool IncludesNetworkFaults { get; }

    /// <summary>Broker-only nodes (ids after the voters); with one or more, operations are drawn too (reassignments,
    /// preferred elections, decommissioning the last broker and adding it back).</summary>
    public int BrokerOnlyNodes { get; }

    public bool IncludesOperations => BrokerOnlyNodes > 0;

    public IReadOnlyList<FaultStep> Steps { get; }

    /// <summary>When the last fault is healed (the run's fault phase ends no later than the requested duration).</summary>
    public TimeSpan End => Steps.Count == 0 ? TimeSpan.Zero : Steps[^1].HealAt;

    /// <summary>
    /// Draws steps until <paramref name="duration"/> is used up. Durations straddle the cluster's timeouts on purpose:
    /// short faults end before any fencing or ISR shrink, long ones (up to 12 s) outlast broker.session.timeout.ms and
    /// replica.lag.time.max.ms as the chaos test configures them, so leaders move and ISRs shrink and grow.
    /// </summary>
    /// <param name="brokerOnlyNodes">Broker-only nodes besides the <paramref name="nodes"/> voters; with any, the
    /// schedule also holds operations (<see cref="FaultKind.Reassign"/>, <see cref="FaultKind.ElectPreferred"/>,
    /// <see cref="FaultKind.Decommission"/> of the last node) among the faults, which hit voters only.</param>
    /// <param name="partitions">Partitions of the workload's topic (what a reassignment picks from).</param>
    /// <param name="replicationFactor">Replicas per partition (how many brokers a reassignment picks).</param>
    public static ChaosSchedule Generate(int seed, TimeSpan duration, int nodes = 3, bool networkFaults = true, int brokerOnlyNodes = 0,
        int partitions = 4, int replicationFactor = 3)
    {
        if (nodes < 3) throw new ArgumentOutOfRangeException(nameof(nodes), "a majority must survive losing one node");
        var random = new Random(seed);
        FaultKind[] kinds = networkFaults
            ? [FaultKind.KillRestart, FaultKind.StopRestart, FaultKind.Pause, FaultKind.Isolate, FaultKind.CutLink, FaultKind.CutFromClients]
            : [FaultKind.KillRestart, FaultKind.StopRestart, FaultKind.Pause];
        // Operations as often as faults of any one kind, reassignments twice as often.
        if (brokerOnlyNodes > 0) kinds = [.. kinds, FaultKind.Reassign, FaultKind.Reassign, FaultKind.ElectPreferred, FaultKind.Decommission];
        var brokers = nodes + brokerOnlyNodes;
        var steps = new List<FaultStep>();
        // A quiet start: producers and consumers connect and the group forms before the first fault.
        var t = TimeSpan.FromSeconds(3);
        while (true)
        {
            var kind = kinds[random.Next(kinds.Length)];
            var node = random.Next(1, nodes + 1);
            var other = 0;
            if (kind == FaultKind.CutLink)
            {
                other = random.Next(1, nodes);
                if (other >= node) other++;
            }
            var length = TimeSpan.FromMilliseconds(random.Next(1_000, 12_001));
            var gap = TimeSpan.FromMilliseconds(random.Next(1_000, 6_001));
            var partition = 0;
            int[] replicas = [];
            switch (kind)
            {
                case FaultKind.Reassign:
                    partition = random.Next(partitions);
                    replicas = [.. Enumerable.Range(1, brokers).OrderBy(_ => random.Next()).Take(replicationFactor)];
                    node = 0;
                    length = TimeSpan.FromSeconds(1);
                    break;
                case FaultKind.ElectPreferred:
                    node = 0;
                    length = TimeSpan.FromSeconds(1);
                    break;
                case FaultKind.Decommission:
                    // Draining and stopping take part of the step; the node stays away for the rest.
                    node = brokers;
                    length += TimeSpan.FromSeconds(15);
                    break;
            }
            if (t + length > duration) break;
            steps.Add(new FaultStep(t, kind, node, other, length) { Partition = partition, Replicas = replicas });
            t += length + gap;
        }
        return new ChaosSchedule(seed, nodes, networkFaults, brokerOnlyNodes, steps);
    }

    /// <summary>Seed, shape and every step, one per line, for test output and failure messages.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"chaos seed {Seed} ({NodeCount} voters + {BrokerOnlyNodes} broker-only, network faults {(IncludesNetworkFaults ? "on" : "off")}, " +
            $"operations {(IncludesOperations ? "on" : "off")}, {Steps.Count} steps, faults end at {End.TotalSeconds:0.0}s)");
        foreach (var step in Steps) sb.AppendLine().Append("  ").Append(step);
        return sb.ToString();
    }
}
