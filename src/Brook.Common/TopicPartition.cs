namespace Brook.Common;

/// <summary>A partition named by topic and index.</summary>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    public override string ToString() => $"{Topic}-{Partition}";
}
