namespace Brook.Metadata;

/// <summary>
/// Places the replicas of new partitions on the active brokers (unfenced, not shutting down — Kafka's usable brokers).
/// Without racks: round-robin, partition p gets brokers (start + p), (start + p + 1), ... of the id-sorted list, so
/// consecutive partitions lead on consecutive brokers and no partition has a broker twice. With broker.rack set: Kafka's
/// rack-aware assignment — the brokers are interleaved rack by rack (first broker of each rack, then the second of
/// each...), leaders go round-robin over that list, and each partition takes its followers from racks it does not use
/// yet before it takes a second broker of any rack, so a rack failure costs each partition as few replicas as possible.
/// Brokers without a rack count as one more rack (as KRaft's placer treats them).
/// </summary>
internal static class ReplicaPlacer
{
    /// <summary>The brokers a placement may use, as the planners pass them: the image's active brokers by ascending id.</summary>
    public static List<(int Id, string? Rack)> UsableBrokers(MetadataImage image) =>
        [.. image.Brokers.Values.Where(b => b.IsActive).Select(b => (b.Id, b.Rack))];

    /// <summary>Why <paramref name="replicationFactor"/> cannot be placed on <paramref name="usable"/> brokers, or null (Kafka's wording).</summary>
    public static string? CheckReplicationFactor(int replicationFactor, int usable, int registered)
    {
        if (replicationFactor <= usable) return null;
        if (usable == 0 && registered > 0) return "Unable to replicate the partition: all brokers are currently fenced.";
        return $"Unable to replicate the partition {replicationFactor} time(s): The target replication factor of {replicationFactor} cannot be reached " +
            $"because only {usable} broker(s) are registered and unfenced.";
    }

    public static int[][] Place(IReadOnlyList<(int Id, string? Rack)> brokers, int numPartitions, int replicationFactor, int start)
    {
        var n = brokers.Count;
        if (replicationFactor > n) throw new ArgumentOutOfRangeException(nameof(replicationFactor));
        return brokers.Any(b => b.Rack is not null)
            ? PlaceRackAware(brokers, numPartitions, replicationFactor, start)
            : PlaceRoundRobin([.. brokers.Select(b => b.Id).Order()], numPartitions, replicationFactor, start);
    }

    private static int[][] PlaceRoundRobin(int[] sortedBrokerIds, int numPartitions, int replicationFactor, int start)
    {
        var n = sortedBrokerIds.Length;
        var result = new int[numPartitions][];
        for (var p = 0; p < numPartitions; p++)
        {
            var replicas = new int[replicationFactor];
            for (var r = 0; r < replicationFactor; r++) replicas[r] = sortedBrokerIds[(int)(((long)start + p + r) % n)];
            result[p] = replicas;
        }
        return result;
    }

    private static int[][] PlaceRackAware(IReadOnlyList<(int Id, string? Rack)> brokers, int numPartitions, int replicationFactor, int start)
    {
        // Racks in name order (brokers without one last), each rack's brokers by id, interleaved.
        var racks = brokers.GroupBy(b => b.Rack)
            .OrderBy(g => g.Key is null).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Select(b => b.Id).Order().ToArray())
            .ToArray();
        var interleaved = new List<(int Id, int Rack)>(brokers.Count);
        for (var i = 0; interleaved.Count < brokers.Count; i++)
        {
            for (var r = 0; r < racks.Length; r++)
                if (i < racks[r].Length) interleaved.Add((racks[r][i], r));
        }

        var n = interleaved.Count;
        var result = new int[numPartitions][];
        for (var p = 0; p < numPartitions; p++)
        {
            var first = (int)(((long)start + p) % n);
            var chosen = new List<int>(replicationFactor) { interleaved[first].Id };
            var usedRacks = new HashSet<int> { interleaved[first].Rack };
            // First pass: one replica per rack; second pass: any broker not chosen yet (more replicas than racks).
            for (var pass = 0; pass < 2 && chosen.Count < replicationFactor; pass++)
            {
                for (var k = 1; k < n && chosen.Count < replicationFactor; k++)
                {
                    var (id, rack) = interleaved[(first + k) % n];
                    if (chosen.Contains(id)) continue;
                    if (pass == 0 && !usedRacks.Add(rack)) continue;
                    chosen.Add(id);
                }
            }
            result[p] = [.. chosen];
        }
        return result;
    }
}
