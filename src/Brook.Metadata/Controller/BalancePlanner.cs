namespace Brook.Metadata;

/// <summary>What the balancer knows besides the image: the brokers to empty and, when measured, how full their disks are.</summary>
/// <param name="MaxConcurrentMoves">brook.balancer.max.concurrent.moves: partitions reassigned at once, all moves counted.</param>
/// <param name="Decommissioning">brook.balancer.decommission.brokers: brokers every replica moves off.</param>
/// <param name="DiskUsage">Per broker, the used share (0..1) of its fullest log directory's filesystem; absent when unknown.</param>
/// <param name="DiskUsageThreshold">brook.balancer.disk.usage.threshold.percent as a share (0..1).</param>
/// <param name="PartitionSizes">Bytes of each partition's log (its largest replica), when measured; used to pick what moves off a full disk.</param>
public sealed record BalanceInputs(
    int MaxConcurrentMoves,
    IReadOnlySet<int> Decommissioning,
    IReadOnlyDictionary<int, double>? DiskUsage = null,
    double DiskUsageThreshold = 0.8,
    IReadOnlyDictionary<(string Topic, int Partition), long>? PartitionSizes = null);

/// <summary>One step of the balancer: the moves to start and the emptied, stopped brokers to unregister.</summary>
public sealed record BalanceStep(IReadOnlyList<BalanceMove> Moves, IReadOnlyList<int> Unregister)
{
    /// <summary>A step that does nothing.</summary>
    public static BalanceStep None { get; } = new([], []);
}

/// <summary>A planned reassignment of one partition, with the reason an operator reads in the log.</summary>
public sealed record BalanceMove(string Topic, int Partition, IReadOnlyList<int> From, IReadOnlyList<int> To, string Reason)
{
    /// <summary>The reassignment request that carries the move out.</summary>
    public ReassignmentSpec ToSpec() => new(Topic, Partition, To);
}

/// <summary>
/// Plans the continuous balancing of brook.balancer.enable (pure: the controller writes what it returns as ordinary
/// KIP-455 reassignments). One bounded step at a time: a move starts only while fewer than MaxConcurrentMoves
/// partitions are being reassigned, and one step never moves a partition twice. In order of priority:
/// <list type="number">
/// <item>Drain: a replica on a decommissioning or unregistered broker moves to an active broker.</item>
/// <item>Disk: a broker over the disk threshold moves its largest replicas to the least full brokers under it.</item>
/// <item>Count: while the replica counts of the active brokers differ by more than one, a replica moves from the most
/// to the least loaded broker — only when every registered broker is up, so a restart causes no churn.</item>
/// </list>
/// A target is always an active broker that does not hold the partition yet, preferring one whose rack the partition's
/// other replicas do not use, then the fewest replicas, then the lowest id. A replaced replica keeps its place in the
/// list, so the preferred leader changes only when the preferred replica itself moves; a count move prefers a
/// partition the source does not lead.
/// </summary>
public static class BalancePlanner
{
    /// <summary>The next step for <paramref name="image"/>.</summary>
    public static BalanceStep Plan(MetadataImage image, BalanceInputs inputs)
    {
        var partitions = image.TopicsByName.Values.OrderBy(t => t.Name, StringComparer.Ordinal)
            .SelectMany(t => t.Partitions.Select(p => (Topic: t, Partition: p))).ToList();
        var unregister = Unregisterable(image, inputs, partitions);
        var budget = inputs.MaxConcurrentMoves - partitions.Count(x => x.Partition.IsReassigning);
        var targets = image.Brokers.Values.Where(b => b.IsActive && !inputs.Decommissioning.Contains(b.Id)).ToDictionary(b => b.Id);
        if (budget <= 0 || targets.Count == 0) return new BalanceStep([], unregister);

        var counts = targets.Keys.ToDictionary(id => id, _ => 0);
        foreach (var (_, p) in partitions)
            foreach (var r in p.TargetReplicas)
                if (counts.TryGetValue(r, out var n)) counts[r] = n + 1;

        var state = new Planning(image, partitions.Where(x => !x.Partition.IsReassigning).ToList(), targets, counts, budget);
        Drain(state, inputs);
        Disk(state, inputs);
        EvenOut(state, inputs);
        return new BalanceStep(state.Moves, unregister);
    }

    // Decommissioning brokers that hold no replica (not even one being moved) and have stopped: the balancer's last step.
    private static List<int> Unregisterable(MetadataImage image, BalanceInputs inputs, List<(TopicImage Topic, PartitionImage Partition)> partitions)
    {
        var hosting = partitions.SelectMany(x => x.Partition.Replicas).ToHashSet();
        return [.. inputs.Decommissioning.Where(id => image.Brokers.TryGetValue(id, out var b) && b.IsFenced && !hosting.Contains(id)).Order()];
    }

    private static void Drain(Planning state, BalanceInputs inputs)
    {
        foreach (var (topic, p) in state.Candidates)
        {
            if (state.Budget <= 0) return;
            var leaving = p.Replicas.Where(r => inputs.Decommissioning.Contains(r) || !state.Image.Brokers.ContainsKey(r)).ToList();
            if (leaving.Count == 0) continue;
            var to = p.Replicas.ToList();
            foreach (var r in leaving)
            {
                // The leaving replica's rack is free for its replacement.
                if (state.PickTarget([.. to.Where(x => x != r)]) is not { } target) continue;
                to[to.IndexOf(r)] = target;
                state.Counts[target]++;
            }
            if (!to.SequenceEqual(p.Replicas))
            {
                var why = string.Join(", ", leaving.Select(r => state.Image.Brokers.ContainsKey(r) ? $"broker {r} is being decommissioned" : $"broker {r} is unregistered"));
                state.Add(topic, p, to, why);
            }
        }
    }

    private static void Disk(Planning state, BalanceInputs inputs)
    {
        if (inputs.DiskUsage is not { Count: > 0 } usage) return;
        var full = usage.Where(kv => kv.Value > inputs.DiskUsageThreshold && state.Targets.ContainsKey(kv.Key)).OrderByDescending(kv => kv.Value).Select(kv => kv.Key).ToList();
        var roomy = state.Targets.Keys.Where(id => usage.TryGetValue(id, out var u) && u <= inputs.DiskUsageThreshold).ToHashSet();
        foreach (var source in full)
        {
            var largest = state.Candidates.Where(x => x.Partition.Replicas.Contains(source) && !state.Moved.Contains((x.Topic.Name, x.Partition.Index)))
                .OrderByDescending(x => inputs.PartitionSizes?.GetValueOrDefault((x.Topic.Name, x.Partition.Index)) ?? 0)
                .ThenBy(x => x.Partition.Leader == source ? 1 : 0);
            foreach (var (topic, p) in largest)
            {
                if (state.Budget <= 0) return;
                var to = p.Replicas.ToList();
                if (state.PickTarget(to, roomy, byUsage: usage) is not { } target) break;
                to[to.IndexOf(source)] = target;
                state.Counts[source]--;
                state.Counts[target]++;
                state.Add(topic, p, to, $"broker {source}'s disk is {usage[source]:P0} full, over the {inputs.DiskUsageThreshold:P0} threshold");
                break; // One move per full broker per step: its usage is measured again before the next.
            }
        }
    }

    private static void EvenOut(Planning state, BalanceInputs inputs)
    {
        // Only with every registered broker up: a broker that is restarting would otherwise shed and regain its replicas.
        if (state.Image.Brokers.Values.Any(b => !b.IsActive && !inputs.Decommissioning.Contains(b.Id))) return;
        while (state.Budget > 0)
        {
            var ordered = state.Counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).ToList();
            var (source, most) = (ordered[0].Key, ordered[0].Value);
            var least = ordered[^1].Value;
            if (most - least <= 1) return;
            var fewest = ordered.Where(kv => kv.Value == least).Select(kv => kv.Key).ToHashSet();
            var choice = state.Candidates
                .Where(x => x.Partition.Replicas.Contains(source) && !state.Moved.Contains((x.Topic.Name, x.Partition.Index)))
                .Select(x => (x.Topic, x.Partition, Target: state.PickTarget([.. x.Partition.Replicas.Where(r => r != source)], fewest)))
                .Where(x => x.Target is not null)
                .OrderBy(x => x.Partition.Leader == source ? 1 : 0)
                .ThenBy(x => state.BreaksRackSpread(x.Partition.Replicas, source, x.Target!.Value) ? 1 : 0)
                .FirstOrDefault();
            if (choice.Topic is null) return;
            var to = choice.Partition.Replicas.ToList();
            var target = choice.Target!.Value;
            to[to.IndexOf(source)] = target;
            state.Counts[source]--;
            state.Counts[target]++;
            state.Add(choice.Topic, choice.Partition, to, $"replica counts: broker {source} holds {most}, broker {target} {least}");
        }
    }

    // The working state of one step.
    private sealed class Planning(MetadataImage image, List<(TopicImage Topic, PartitionImage Partition)> candidates,
        Dictionary<int, BrokerRegistration> targets, Dictionary<int, int> counts, int budget)
    {
        public MetadataImage Image { get; } = image;
        public List<(TopicImage Topic, PartitionImage Partition)> Candidates { get; } = candidates;
        public Dictionary<int, BrokerRegistration> Targets { get; } = targets;
        public Dictionary<int, int> Counts { get; } = counts;
        public int Budget { get; private set; } = budget;
        public HashSet<(string, int)> Moved { get; } = [];
        public List<BalanceMove> Moves { get; } = [];

        public void Add(TopicImage topic, PartitionImage p, List<int> to, string reason)
        {
            Moves.Add(new BalanceMove(topic.Name, p.Index, [.. p.Replicas], to, reason));
            Moved.Add((topic.Name, p.Index));
            Budget--;
        }

        /// <summary>
        /// The best new home for a replica of a partition whose other replicas are <paramref name="others"/> (a list
        /// that may still hold the replica being replaced: it is no candidate either way), among the active brokers or only
        /// those in <paramref name="within"/>; with <paramref name="byUsage"/>, the least full disk before the fewest replicas.
        /// </summary>
        public int? PickTarget(IReadOnlyList<int> others, IReadOnlySet<int>? within = null, IReadOnlyDictionary<int, double>? byUsage = null)
        {
            var racks = others.Select(r => Image.Brokers.TryGetValue(r, out var b) ? b.Rack : null).Where(r => r is not null).ToHashSet();
            var best = Targets.Values
                .Where(b => !others.Contains(b.Id) && (within is null || within.Contains(b.Id)))
                .OrderBy(b => b.Rack is not null && racks.Contains(b.Rack) ? 1 : 0)
                .ThenBy(b => byUsage?.GetValueOrDefault(b.Id) ?? 0)
                .ThenBy(b => Counts[b.Id])
                .ThenBy(b => b.Id)
                .FirstOrDefault();
            return best?.Id;
        }

        /// <summary>True when replacing <paramref name="source"/> by <paramref name="target"/> puts two replicas on one rack that were on distinct ones.</summary>
        public bool BreaksRackSpread(IReadOnlyList<int> replicas, int source, int target)
        {
            string? RackOf(int id) => Image.Brokers.TryGetValue(id, out var b) ? b.Rack : null;
            var targetRack = RackOf(target);
            return targetRack is not null && RackOf(source) != targetRack && replicas.Any(r => r != source && RackOf(r) == targetRack);
        }
    }
}
