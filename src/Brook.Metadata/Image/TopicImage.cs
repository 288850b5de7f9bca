using System.Collections.Immutable;
using Brook.Common;

namespace Brook.Metadata;

/// <summary>
/// A topic as of one image. <see cref="Partitions"/> is dense: the partition with index <c>i</c> sits at position
/// <c>i</c>. <see cref="Configs"/> holds only the keys set for this topic; everything else takes its default.
/// </summary>
public sealed class TopicImage
{
    internal TopicImage(string name, Uuid id, ImmutableArray<PartitionImage> partitions, ImmutableDictionary<string, string> configs)
    {
        Name = name;
        Id = id;
        Partitions = partitions;
        ConfigsInternal = configs;
    }

    internal ImmutableDictionary<string, string> ConfigsInternal { get; }

    public string Name { get; }
    public Uuid Id { get; }
    public ImmutableArray<PartitionImage> Partitions { get; }
    public IReadOnlyDictionary<string, string> Configs => ConfigsInternal;

    /// <summary>True for the topics Kafka marks internal in Metadata responses.</summary>
    public bool IsInternal => TopicNames.IsInternal(Name);

    public override string ToString() => $"{Name} ({Id}, {Partitions.Length} partitions)";
}
