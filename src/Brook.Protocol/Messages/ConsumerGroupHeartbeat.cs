using Brook.Common;

namespace Brook.Protocol.Messages;

// ConsumerGroupHeartbeat (key 68), versions 0-1, flexible from 0. The single request of the KIP-848 consumer group
// protocol: joining, heartbeating, reconciling the assignment and leaving all go through it. Most request fields are
// null (or -1) when unchanged since the previous heartbeat, so the coordinator only updates what is sent.
// v1 adds SubscribedTopicRegex (server-side regex subscription).

/// <summary>ConsumerGroupHeartbeat request; null fields mean "unchanged since the last heartbeat".</summary>
public sealed class ConsumerGroupHeartbeatRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.ConsumerGroupHeartbeat, 0, 1, 0);

    /// <summary><see cref="MemberEpoch"/> of a member joining the group.</summary>
    public const int JoinEpoch = 0;
    /// <summary><see cref="MemberEpoch"/> of a member leaving the group.</summary>
    public const int LeaveEpoch = -1;
    /// <summary><see cref="MemberEpoch"/> of a static member leaving temporarily (it will rejoin).</summary>
    public const int StaticLeaveEpoch = -2;

    public string GroupId { get; set; } = "";
    /// <summary>The member id, kept for the member's lifetime; from Kafka 4.0 the client generates it (KIP-1082).</summary>
    public string MemberId { get; set; } = "";
    /// <summary>The member's current epoch, or <see cref="JoinEpoch"/> / <see cref="LeaveEpoch"/> / <see cref="StaticLeaveEpoch"/>.</summary>
    public int MemberEpoch { get; set; }
    /// <summary>Static membership id, or null if none or unchanged.</summary>
    public string? InstanceId { get; set; }
    /// <summary>The member's rack, or null if none or unchanged.</summary>
    public string? RackId { get; set; }
    /// <summary>How long the member may take to revoke partitions, or -1 if unchanged.</summary>
    public int RebalanceTimeoutMs { get; set; } = -1;
    /// <summary>The subscribed topic names, or null if unchanged.</summary>
    public List<string>? SubscribedTopicNames { get; set; }
    /// <summary>The subscription regex (v1+), or null if unchanged.</summary>
    public string? SubscribedTopicRegex { get; set; }
    /// <summary>The server-side assignor to use, or null if none or unchanged.</summary>
    public string? ServerAssignor { get; set; }
    /// <summary>The partitions the member currently owns, or null if unchanged.</summary>
    public List<OwnedTopic>? TopicPartitions { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        GroupId = reader.ReadString();
        MemberId = reader.ReadString();
        MemberEpoch = reader.ReadInt32();
        InstanceId = reader.ReadNullableString();
        RackId = reader.ReadNullableString();
        RebalanceTimeoutMs = reader.ReadInt32();
        SubscribedTopicNames = reader.ReadNullableArray(static (ref ProtocolReader r) => r.ReadString());
        if (version >= 1) SubscribedTopicRegex = reader.ReadNullableString();
        ServerAssignor = reader.ReadNullableString();
        TopicPartitions = VersionedCodec.ReadNullable<OwnedTopic>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(GroupId);
        writer.WriteString(MemberId);
        writer.WriteInt32(MemberEpoch);
        writer.WriteNullableString(InstanceId);
        writer.WriteNullableString(RackId);
        writer.WriteInt32(RebalanceTimeoutMs);
        writer.WriteArray(SubscribedTopicNames, static (w, t) => w.WriteString(t));
        if (version >= 1) writer.WriteNullableString(SubscribedTopicRegex);
        writer.WriteNullableString(ServerAssignor);
        VersionedCodec.Write(writer, TopicPartitions, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The partitions the member owns in one topic.</summary>
    public sealed class OwnedTopic : IMessage
    {
        public Uuid TopicId { get; set; }
        public List<int> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            TopicId = reader.ReadUuid();
            Partitions = VersionedCodec.ReadInt32s(ref reader);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteUuid(TopicId);
            VersionedCodec.WriteInt32s(writer, Partitions);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>ConsumerGroupHeartbeat response: the member's epoch, heartbeat interval and (when it changed) its assignment.</summary>
public sealed class ConsumerGroupHeartbeatResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    /// <summary>The member id (sent when the member joins with epoch 0), or null.</summary>
    public string? MemberId { get; set; }
    public int MemberEpoch { get; set; }
    public int HeartbeatIntervalMs { get; set; }
    /// <summary>The member's new assignment, or null if it has not changed.</summary>
    public MemberAssignment? Assignment { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        ErrorMessage = reader.ReadNullableString();
        MemberId = reader.ReadNullableString();
        MemberEpoch = reader.ReadInt32();
        HeartbeatIntervalMs = reader.ReadInt32();
        // A nullable struct is preceded by a presence byte: -1 for null, 1 for present.
        if (reader.ReadInt8() < 0)
        {
            Assignment = null;
        }
        else
        {
            Assignment = new MemberAssignment();
            Assignment.Read(ref reader, version);
        }
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteNullableString(ErrorMessage);
        writer.WriteNullableString(MemberId);
        writer.WriteInt32(MemberEpoch);
        writer.WriteInt32(HeartbeatIntervalMs);
        if (Assignment is null)
        {
            writer.WriteInt8(-1);
        }
        else
        {
            writer.WriteInt8(1);
            Assignment.Write(writer, version);
        }
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The partitions the member may use now.</summary>
    public sealed class MemberAssignment : IMessage
    {
        public List<AssignedTopic> TopicPartitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            TopicPartitions = VersionedCodec.Read<AssignedTopic>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            VersionedCodec.Write(writer, TopicPartitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The partitions assigned to the member in one topic.</summary>
    public sealed class AssignedTopic : IMessage
    {
        public Uuid TopicId { get; set; }
        public List<int> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            TopicId = reader.ReadUuid();
            Partitions = VersionedCodec.ReadInt32s(ref reader);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteUuid(TopicId);
            VersionedCodec.WriteInt32s(writer, Partitions);
            writer.WriteEmptyTaggedFields();
        }
    }
}
