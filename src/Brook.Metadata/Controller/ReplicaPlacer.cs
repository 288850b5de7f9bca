namespace Brook.Metadata;

/// <summary>
/// Rack-unaware round-robin placement: partition p gets brokers (start + p), (start + p + 1), ... of the id-sorted
/// broker list, so consecutive partitions lead on consecutive brokers and no partition has a broker twice.
/// </summary>
internal static class ReplicaPlacer
{
    public static int[][] Place(IReadOnlyList<int> sortedBrokerIds, int numPartitions, int replicationFactor, int start)
    {
        var n = sortedBrokerIds.Count;
        if (replicationFactor > n) throw new ArgumentOutOfRangeException(nameof(replicationFactor));
        var result = new int[numPartitions][];
        for (var p = 0; p < numPartitions; p++)
        {
            var replicas = new int[replicationFactor];
            for (var r = 0; r < replicationFactor; r++) replicas[r] = sortedBrokerIds[(int)(((long)start + p + r) % n)];
            result[p] = replicas;
        }
        return result;
    }
}
