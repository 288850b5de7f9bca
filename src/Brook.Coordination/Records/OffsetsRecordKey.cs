using Brook.Common;
using Brook.Protocol;

namespace Brook.Coordination.Records;

/// <summary>
/// A key of the __consumer_offsets topic. Kafka writes an int16 version first and the version doubles as the record
/// type: 0/1 is OffsetCommitKey (group, topic, partition), 2 is GroupMetadataKey (group). Neither key is flexible.
/// </summary>
public readonly record struct OffsetsRecordKey(OffsetsRecordType Type, short Version, string GroupId, string? Topic, int Partition)
{
    /// <summary>The version Kafka writes for offset commits (0 is the pre-0.10 ZooKeeper-era twin with the same layout).</summary>
    public const short OffsetCommitVersion = 1;
    public const short GroupMetadataVersion = 2;

    public TopicPartition TopicPartition => new(Topic ?? "", Partition);

    /// <summary>Decodes a key; versions this coordinator does not know come back as <see cref="OffsetsRecordType.Unknown"/>.</summary>
    public static OffsetsRecordKey Parse(ReadOnlySpan<byte> key)
    {
        var reader = new OffsetsRecordReader(key);
        var version = reader.ReadInt16();
        switch (version)
        {
            case 0 or 1:
                {
                    var group = reader.ReadString();
                    var topic = reader.ReadString();
                    var partition = reader.ReadInt32();
                    return new OffsetsRecordKey(OffsetsRecordType.OffsetCommit, version, group, topic, partition);
                }
            case 2:
                return new OffsetsRecordKey(OffsetsRecordType.GroupMetadata, version, reader.ReadString(), null, -1);
            default:
                return new OffsetsRecordKey(OffsetsRecordType.Unknown, version, "", null, -1);
        }
    }

    public static byte[] EncodeOffsetCommit(string groupId, string topic, int partition)
    {
        using var buffer = new PooledBufferWriter(64);
        var writer = new ProtocolWriter(buffer);
        writer.WriteInt16(OffsetCommitVersion);
        writer.WriteString(groupId);
        writer.WriteString(topic);
        writer.WriteInt32(partition);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] EncodeGroupMetadata(string groupId)
    {
        using var buffer = new PooledBufferWriter(64);
        var writer = new ProtocolWriter(buffer);
        writer.WriteInt16(GroupMetadataVersion);
        writer.WriteString(groupId);
        return buffer.WrittenSpan.ToArray();
    }
}
