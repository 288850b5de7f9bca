namespace Brook.Coordination;

/// <summary>
/// Maps a group id to its __consumer_offsets partition exactly as Kafka does, so that a group's coordinator is the same
/// broker whichever implementation computes it and existing offsets topics keep working.
/// </summary>
public static class GroupPartitioner
{
    /// <summary>
    /// Java's <c>String.hashCode</c>: <c>h = 31*h + c</c> over the UTF-16 code units, wrapping at 32 bits. .NET strings
    /// are UTF-16 too, so surrogate pairs hash as the two units Java sees.
    /// </summary>
    public static int JavaStringHashCode(string value)
    {
        var h = 0;
        foreach (var c in value) h = unchecked(31 * h + c);
        return h;
    }

    /// <summary>
    /// <c>abs(hash) % partitions</c> with Kafka's "abs", which masks the sign bit (so int.MinValue maps to 0 rather than
    /// staying negative as Math.abs would leave it).
    /// </summary>
    public static int PartitionFor(string groupId, int partitionCount)
    {
        if (partitionCount <= 0) throw new ArgumentOutOfRangeException(nameof(partitionCount));
        return (JavaStringHashCode(groupId) & 0x7fffffff) % partitionCount;
    }
}
