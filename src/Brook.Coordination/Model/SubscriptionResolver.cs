using System.Text;
using Brook.Common;

namespace Brook.Coordination.Model;

/// <summary>
/// Turns subscriptions (topic names and regexes) into topics as the metadata source knows them now, for one request
/// or timer run: regex matches are computed once per pattern and reused.
/// </summary>
internal sealed class SubscriptionResolver(ITopicMetadataSource topics, TopicRegexCache regexes)
{
    private readonly Dictionary<string, List<string>> _matches = new(StringComparer.Ordinal);

    public ITopicMetadataSource Topics => topics;

    public IReadOnlyList<string> Matching(string pattern)
    {
        if (!_matches.TryGetValue(pattern, out var names))
        {
            names = [];
            foreach (var name in topics.TopicNames)
                if (regexes.IsMatch(pattern, name)) names.Add(name);
            _matches[pattern] = names;
        }
        return names;
    }

    /// <summary>The names a member subscribes to, explicit or through its regex.</summary>
    public IEnumerable<string> SubscribedNames(ConsumerGroupMember member)
    {
        foreach (var name in member.Metadata.SubscribedTopicNames) yield return name;
        if (member.Metadata.SubscribedTopicRegex is { Length: > 0 } regex)
            foreach (var name in Matching(regex)) yield return name;
    }

    /// <summary>Ids of the existing topics a member subscribes to.</summary>
    public HashSet<Uuid> SubscribedTopicIds(ConsumerGroupMember member)
    {
        var ids = new HashSet<Uuid>();
        foreach (var name in SubscribedNames(member))
            if (topics.TryGetTopic(name, out var id, out _)) ids.Add(id);
        return ids;
    }

    /// <summary>Every topic name the group subscribes to, sorted.</summary>
    public SortedSet<string> GroupTopicNames(ConsumerGroup group)
    {
        var names = group.SubscribedTopicNames();
        foreach (var regex in group.SubscribedRegexes()) names.UnionWith(Matching(regex));
        return names;
    }

    /// <summary>
    /// A 64-bit FNV-1a hash of (name, id, partition count) of every subscribed topic, missing ones included by name:
    /// it changes when a subscribed topic is created, deleted, recreated or gains partitions, which is when the
    /// assignment must be recomputed. Never 0, which stands for "not computed yet".
    /// </summary>
    public long MetadataHash(ConsumerGroup group)
    {
        var hash = 0xcbf29ce484222325UL;
        Span<byte> number = stackalloc byte[8];
        void Mix(ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                hash ^= b;
                hash *= 0x100000001b3UL;
            }
        }
        void MixLong(long value, Span<byte> scratch)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(scratch, value);
            Mix(scratch);
        }
        foreach (var name in GroupTopicNames(group))
        {
            Mix(Encoding.UTF8.GetBytes(name));
            if (topics.TryGetTopic(name, out var id, out var partitions))
            {
                MixLong(id.MostSignificantBits, number);
                MixLong(id.LeastSignificantBits, number);
                MixLong(partitions, number);
            }
            else
            {
                MixLong(-1, number);
            }
        }
        return hash == 0 ? 1 : (long)hash;
    }
}
