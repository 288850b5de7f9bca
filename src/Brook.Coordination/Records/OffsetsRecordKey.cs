using Brook.Common;
using Brook.Protocol;

namespace Brook.Coordination.Records;

/// <summary>
/// A key of the __consumer_offsets topic. Kafka writes an int16 version first and the version doubles as the record
/// type (see <see cref="OffsetsRecordType"/>): 0/1 OffsetCommitKey (group, topic, partition), 2 GroupMetadataKey
/// (group), 3-8 the KIP-848 consumer group keys (group, plus member for 5, 7 and 8). No key is flexible.
/// </summary>
public readonly record struct OffsetsRecordKey(OffsetsRecordType Type, short Version, string GroupId, string? Topic, int Partition, string? MemberId = null)
{
    /// <summary>The version Kafka writes for offset commits (0 is the pre-0.10 ZooKeeper-era twin with the same layout).</summary>
    public const short OffsetCommitVersion = 1;
    public const short GroupMetadataVersion = 2;
    public const short ConsumerGroupMetadataVersion = 3;
    public const short ConsumerGroupPartitionMetadataVersion = 4;
    public const short ConsumerGroupMemberMetadataVersion = 5;
    public const short ConsumerGroupTargetAssignmentMetadataVersion = 6;
    public const short ConsumerGroupTargetAssignmentMemberVersion = 7;
    public const short ConsumerGroupCurrentMemberAssignmentVersion = 8;

    public TopicPartition TopicPartition => new(Topic ?? "", Partition);

    /// <summary>True for the key types of KIP-848 consumer groups (versions 3-8).</summary>
    public bool IsConsumerGroupRecord => Type is >= OffsetsRecordType.ConsumerGroupMetadata and <= OffsetsRecordType.ConsumerGroupCurrentMemberAssignment;

    /// <summary>Decodes a key; versions this coordinator does not know come back as <see cref="OffsetsRecordType.Unknown"/>.</summary>
    public static OffsetsRecordKey Parse(ReadOnlySpan<byte> key)
    {
        var reader = new SchemaRecordReader(key);
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
            case GroupMetadataVersion:
                return new OffsetsRecordKey(OffsetsRecordType.GroupMetadata, version, reader.ReadString(), null, -1);
            case ConsumerGroupMetadataVersion:
                return new OffsetsRecordKey(OffsetsRecordType.ConsumerGroupMetadata, version, reader.ReadString(), null, -1);
            case ConsumerGroupPartitionMetadataVersion:
                return new OffsetsRecordKey(OffsetsRecordType.ConsumerGroupPartitionMetadata, version, reader.ReadString(), null, -1);
            case ConsumerGroupTargetAssignmentMetadataVersion:
                return new OffsetsRecordKey(OffsetsRecordType.ConsumerGroupTargetAssignmentMetadata, version, reader.ReadString(), null, -1);
            case ConsumerGroupMemberMetadataVersion or ConsumerGroupTargetAssignmentMemberVersion or ConsumerGroupCurrentMemberAssignmentVersion:
                {
                    var type = version switch
                    {
                        ConsumerGroupMemberMetadataVersion => OffsetsRecordType.ConsumerGroupMemberMetadata,
                        ConsumerGroupTargetAssignmentMemberVersion => OffsetsRecordType.ConsumerGroupTargetAssignmentMember,
                        _ => OffsetsRecordType.ConsumerGroupCurrentMemberAssignment,
                    };
                    var group = reader.ReadString();
                    var member = reader.ReadString();
                    return new OffsetsRecordKey(type, version, group, null, -1, member);
                }
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

    public static byte[] EncodeGroupMetadata(string groupId) => EncodeGroupKey(GroupMetadataVersion, groupId);

    public static byte[] EncodeConsumerGroupMetadata(string groupId) => EncodeGroupKey(ConsumerGroupMetadataVersion, groupId);

    public static byte[] EncodeConsumerGroupPartitionMetadata(string groupId) => EncodeGroupKey(ConsumerGroupPartitionMetadataVersion, groupId);

    public static byte[] EncodeConsumerGroupTargetAssignmentMetadata(string groupId) =>
        EncodeGroupKey(ConsumerGroupTargetAssignmentMetadataVersion, groupId);

    public static byte[] EncodeConsumerGroupMemberMetadata(string groupId, string memberId) =>
        EncodeMemberKey(ConsumerGroupMemberMetadataVersion, groupId, memberId);

    public static byte[] EncodeConsumerGroupTargetAssignmentMember(string groupId, string memberId) =>
        EncodeMemberKey(ConsumerGroupTargetAssignmentMemberVersion, groupId, memberId);

    public static byte[] EncodeConsumerGroupCurrentMemberAssignment(string groupId, string memberId) =>
        EncodeMemberKey(ConsumerGroupCurrentMemberAssignmentVersion, groupId, memberId);

    private static byte[] EncodeGroupKey(short version, string groupId)
    {
        using var buffer = new PooledBufferWriter(64);
        var writer = new ProtocolWriter(buffer);
        writer.WriteInt16(version);
        writer.WriteString(groupId);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] EncodeMemberKey(short version, string groupId, string memberId)
    {
        using var buffer = new PooledBufferWriter(96);
        var writer = new ProtocolWriter(buffer);
        writer.WriteInt16(version);
        writer.WriteString(groupId);
        writer.WriteString(memberId);
        return buffer.WrittenSpan.ToArray();
    }
}
