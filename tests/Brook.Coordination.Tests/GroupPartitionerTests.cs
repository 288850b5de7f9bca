namespace Brook.Coordination.Tests;

public class GroupPartitionerTests
{
    [Fact]
    public void Hash_follows_the_java_formula()
    {
        // s[0]*31^(n-1) + ... + s[n-1], worked by hand for "ab": 97*31 + 98.
        Assert.Equal(97 * 31 + 98, GroupPartitioner.JavaStringHashCode("ab"));
        Assert.Equal(0, GroupPartitioner.JavaStringHashCode(""));
        Assert.Equal(97, GroupPartitioner.JavaStringHashCode("a"));
        // Overflow wraps as Java's int arithmetic does: "my-group".hashCode() is negative in Java.
        Assert.Equal(-1906497762, GroupPartitioner.JavaStringHashCode("my-group"));
        Assert.Equal(627841412, GroupPartitioner.JavaStringHashCode("test-group"));
        Assert.Equal(158455506, GroupPartitioner.JavaStringHashCode("console-consumer-12345"));
        // Non-ASCII: Java hashes UTF-16 units, so an emoji counts as its two surrogates.
        Assert.Equal(1276929186, GroupPartitioner.JavaStringHashCode("\U0001F600grp"));
        Assert.Equal(-1237460406, GroupPartitioner.JavaStringHashCode("groupé"));
    }

    [Fact]
    public void Partition_masks_the_sign_bit_then_takes_the_modulus()
    {
        Assert.Equal(47, GroupPartitioner.PartitionFor("a", 50));
        Assert.Equal((-1906497762 & 0x7fffffff) % 50, GroupPartitioner.PartitionFor("my-group", 50));
        Assert.Equal(36, GroupPartitioner.PartitionFor("my-group", 50));
        Assert.Equal(6, GroupPartitioner.PartitionFor("console-consumer-12345", 50));
        Assert.Equal(42, GroupPartitioner.PartitionFor("groupé", 50));
    }

    [Fact]
    public void Int_min_value_hash_maps_to_partition_zero()
    {
        // The well-known Java string whose hashCode is Integer.MIN_VALUE: Math.abs would keep it negative.
        Assert.Equal(int.MinValue, GroupPartitioner.JavaStringHashCode("polygenelubricants"));
        Assert.Equal(0, GroupPartitioner.PartitionFor("polygenelubricants", 50));
        Assert.Equal(0, GroupPartitioner.PartitionFor("polygenelubricants", 7));
    }
}
