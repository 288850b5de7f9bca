using Brook.Common;

namespace Brook.Coordination;

/// <summary>
/// An immutable set of partitions grouped by topic id: what a KIP-848 member owns, must revoke, or is targeted to own.
/// Topics are kept in id order and partitions ascending, so equal sets enumerate (and encode) identically.
/// </summary>
public sealed class PartitionAssignment : IEquatable<PartitionAssignment>
{
    public static readonly PartitionAssignment Empty = new([]);

    private readonly SortedDictionary<Uuid, int[]> _topics;

    private PartitionAssignment(SortedDictionary<Uuid, int[]> topics)
    {
        _topics = topics;
        foreach (var partitions in topics.Values) Count += partitions.Length;
    }

    /// <summary>How many partitions, over all topics.</summary>
    public int Count { get; }

    public bool IsEmpty => Count == 0;

    /// <summary>Topic ids in order, each with its partitions ascending; no topic has an empty list.</summary>
    public IEnumerable<(Uuid TopicId, IReadOnlyList<int> Partitions)> Topics
    {
        get
        {
            foreach (var (id, partitions) in _topics) yield return (id, partitions);
        }
    }

    public IEnumerable<Uuid> TopicIds => _topics.Keys;

    public IReadOnlyList<int> PartitionsOf(Uuid topicId) => _topics.TryGetValue(topicId, out var p) ? p : [];

    public bool Contains(Uuid topicId, int partition) =>
        _topics.TryGetValue(topicId, out var p) && Array.BinarySearch(p, partition) >= 0;

    public bool ContainsTopic(Uuid topicId) => _topics.ContainsKey(topicId);

    /// <summary>Every (topic, partition) pair, in topic then partition order.</summary>
    public IEnumerable<(Uuid TopicId, int Partition)> All()
    {
        foreach (var (id, partitions) in _topics)
            foreach (var p in partitions) yield return (id, p);
    }

    /// <summary>Builds a set from pairs; duplicates collapse.</summary>
    public static PartitionAssignment From(IEnumerable<(Uuid TopicId, int Partition)> partitions)
    {
        var builder = new Dictionary<Uuid, HashSet<int>>();
        foreach (var (id, p) in partitions)
        {
            if (!builder.TryGetValue(id, out var set)) builder[id] = set = [];
            set.Add(p);
        }
        return Build(builder);
    }

    /// <summary>Builds a set from per-topic partition lists (a wire or record layout); empty lists are dropped.</summary>
    public static PartitionAssignment FromTopics(IEnumerable<(Uuid TopicId, IEnumerable<int> Partitions)> topics)
    {
        var builder = new Dictionary<Uuid, HashSet<int>>();
        foreach (var (id, partitions) in topics)
        {
            if (!builder.TryGetValue(id, out var set)) builder[id] = set = [];
            set.UnionWith(partitions);
        }
        return Build(builder);
    }

    private static PartitionAssignment Build(Dictionary<Uuid, HashSet<int>> builder)
    {
        var topics = new SortedDictionary<Uuid, int[]>(UuidOrder.Instance);
        foreach (var (id, set) in builder)
        {
            if (set.Count == 0) continue;
            var partitions = set.ToArray();
            Array.Sort(partitions);
            topics[id] = partitions;
        }
        return topics.Count == 0 ? Empty : new PartitionAssignment(topics);
    }

    public PartitionAssignment Intersect(PartitionAssignment other) => From(All().Where(tp => other.Contains(tp.TopicId, tp.Partition)));

    public PartitionAssignment Except(PartitionAssignment other) => From(All().Where(tp => !other.Contains(tp.TopicId, tp.Partition)));

    public PartitionAssignment Union(PartitionAssignment other) => other.IsEmpty ? this : IsEmpty ? other : From(All().Concat(other.All()));

    /// <summary>Keeps only the topics <paramref name="keep"/> accepts.</summary>
    public PartitionAssignment WhereTopic(Func<Uuid, bool> keep) => From(All().Where(tp => keep(tp.TopicId)));

    /// <summary>True when every partition of this set is also in <paramref name="other"/>.</summary>
    public bool IsSubsetOf(PartitionAssignment other)
    {
        foreach (var (id, p) in All())
            if (!other.Contains(id, p)) return false;
        return true;
    }

    public bool Equals(PartitionAssignment? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other.Count != Count || other._topics.Count != _topics.Count) return false;
        foreach (var (id, partitions) in _topics)
            if (!other._topics.TryGetValue(id, out var theirs) || !partitions.AsSpan().SequenceEqual(theirs)) return false;
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as PartitionAssignment);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (id, p) in All())
        {
            hash.Add(id);
            hash.Add(p);
        }
        return hash.ToHashCode();
    }

    public override string ToString() =>
        "{" + string.Join(", ", Topics.Select(t => $"{t.TopicId}:[{string.Join(",", t.Partitions)}]")) + "}";
}

/// <summary>A total order on <see cref="Uuid"/> (by its two halves) so topic ids can be sorted deterministically.</summary>
public sealed class UuidOrder : IComparer<Uuid>
{
    public static readonly UuidOrder Instance = new();

    public int Compare(Uuid x, Uuid y)
    {
        var c = x.MostSignificantBits.CompareTo(y.MostSignificantBits);
        return c != 0 ? c : x.LeastSignificantBits.CompareTo(y.LeastSignificantBits);
    }
}
