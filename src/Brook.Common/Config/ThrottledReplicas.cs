using System.Globalization;

namespace Brook.Common.Config;

/// <summary>
/// The value of leader.replication.throttled.replicas / follower.replication.throttled.replicas: the replicas of a
/// topic whose replication traffic counts against (and is held back by) the broker's replication throttle, as
/// <c>partitionId:brokerId</c> pairs or <c>*</c> for every replica. Empty throttles nothing.
/// </summary>
public sealed class ThrottledReplicas
{
    private readonly HashSet<(int Partition, int Broker)> _replicas;
    private readonly bool _all;

    private ThrottledReplicas(HashSet<(int, int)> replicas, bool all)
    {
        _replicas = replicas;
        _all = all;
    }

    /// <summary>No replica is throttled.</summary>
    public static ThrottledReplicas None { get; } = new([], false);

    /// <summary>Kafka's validation of the two topic keys.</summary>
    public static ConfigValidator Validator { get; } = ConfigValidator.Custom("[partitionId]:[brokerId],[partitionId]:[brokerId],... or *",
        value => value is IReadOnlyList<string> items ? Problem(items) : "Value must be a list");

    /// <summary>True when the replica of <paramref name="partition"/> on broker <paramref name="brokerId"/> is throttled.</summary>
    public bool Contains(int partition, int brokerId) => _all || _replicas.Contains((partition, brokerId));

    /// <summary>True when some replica is throttled.</summary>
    public bool Any => _all || _replicas.Count > 0;

    /// <summary>Parses a validated list (see <see cref="Validator"/>).</summary>
    public static ThrottledReplicas Parse(IReadOnlyList<string> items)
    {
        if (items.Count == 0) return None;
        if (items.Count == 1 && items[0].Trim() == "*") return new([], true);
        var replicas = new HashSet<(int, int)>();
        foreach (var item in items)
        {
            if (TryParsePair(item, out var pair)) replicas.Add(pair);
        }
        return new(replicas, false);
    }

    private static string? Problem(IReadOnlyList<string> items)
    {
        if (items.Count == 1 && items[0].Trim() == "*") return null;
        foreach (var item in items)
        {
            if (!TryParsePair(item, out _))
                return $"'{item}' is not a partitionId:brokerId pair; the value must be a list of them or a single *";
        }
        return null;
    }

    private static bool TryParsePair(string item, out (int Partition, int Broker) pair)
    {
        pair = default;
        var colon = item.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) return false;
        if (!int.TryParse(item.AsSpan(0, colon).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var partition)) return false;
        if (!int.TryParse(item.AsSpan(colon + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var broker)) return false;
        pair = (partition, broker);
        return true;
    }
}
