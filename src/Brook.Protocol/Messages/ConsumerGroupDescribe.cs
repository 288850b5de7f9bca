using Brook.Common;

namespace Brook.Protocol.Messages;

// ConsumerGroupDescribe (key 69), versions 0-1, flexible from 0. The KIP-848 counterpart of DescribeGroups, for groups
// using the consumer protocol. v1 adds each member's MemberType (KIP-1099), telling classic-protocol members of a
// consumer group apart from consumer-protocol ones.

/// <summary>ConsumerGroupDescribe request: the consumer groups to describe.</summary>
public sealed class ConsumerGroupDescribeRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.ConsumerGroupDescribe, 0, 1, 0);

    public List<string> GroupIds { get; set; } = [];
    public bool IncludeAuthorizedOperations { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        GroupIds = reader.ReadArray(static (ref ProtocolReader r) => r.ReadString());
        IncludeAuthorizedOperations = reader.ReadBool();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteArray(GroupIds, static (w, g) => w.WriteString(g));
        writer.WriteBool(IncludeAuthorizedOperations);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>ConsumerGroupDescribe response: epochs, assignor and members (with current and target assignment) per group.</summary>
public sealed class ConsumerGroupDescribeResponse : IMessage
{
    /// <summary>Kafka's "authorized operations not requested" sentinel for <see cref="DescribedGroup.AuthorizedOperations"/>.</summary>
    public const int AuthorizedOperationsOmitted = int.MinValue;

    public int ThrottleTimeMs { get; set; }
    public List<DescribedGroup> Groups { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        Groups = VersionedCodec.Read<DescribedGroup>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Groups, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One described consumer group, or its error.</summary>
    public sealed class DescribedGroup : IMessage
    {
        public short ErrorCode { get; set; }
        public string? ErrorMessage { get; set; }
        public string GroupId { get; set; } = "";
        /// <summary>The state name ("Empty", "Assigning", "Reconciling", "Stable", "Dead"), or "".</summary>
        public string GroupState { get; set; } = "";
        public int GroupEpoch { get; set; }
        /// <summary>The group epoch the current target assignment was computed for.</summary>
        public int AssignmentEpoch { get; set; }
        /// <summary>The server-side assignor in use.</summary>
        public string AssignorName { get; set; } = "";
        public List<Member> Members { get; set; } = [];
        /// <summary>Bitfield of allowed operations, or <see cref="AuthorizedOperationsOmitted"/>.</summary>
        public int AuthorizedOperations { get; set; } = AuthorizedOperationsOmitted;

        public void Read(ref ProtocolReader reader, short version)
        {
            ErrorCode = reader.ReadInt16();
            ErrorMessage = reader.ReadNullableString();
            GroupId = reader.ReadString();
            GroupState = reader.ReadString();
            GroupEpoch = reader.ReadInt32();
            AssignmentEpoch = reader.ReadInt32();
            AssignorName = reader.ReadString();
            Members = VersionedCodec.Read<Member>(ref reader, version);
            AuthorizedOperations = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt16(ErrorCode);
            writer.WriteNullableString(ErrorMessage);
            writer.WriteString(GroupId);
            writer.WriteString(GroupState);
            writer.WriteInt32(GroupEpoch);
            writer.WriteInt32(AssignmentEpoch);
            writer.WriteString(AssignorName);
            VersionedCodec.Write(writer, Members, version);
            writer.WriteInt32(AuthorizedOperations);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One member of a consumer group.</summary>
    public sealed class Member : IMessage
    {
        public const sbyte MemberTypeUnknown = -1;
        public const sbyte MemberTypeClassic = 0;
        public const sbyte MemberTypeConsumer = 1;

        public string MemberId { get; set; } = "";
        public string? InstanceId { get; set; }
        public string? RackId { get; set; }
        public int MemberEpoch { get; set; }
        public string ClientId { get; set; } = "";
        public string ClientHost { get; set; } = "";
        public List<string> SubscribedTopicNames { get; set; } = [];
        public string? SubscribedTopicRegex { get; set; }
        /// <summary>The partitions the member owns now.</summary>
        public MemberAssignment Assignment { get; set; } = new();
        /// <summary>The partitions the member is moving towards.</summary>
        public MemberAssignment TargetAssignment { get; set; } = new();
        /// <summary>Which protocol the member speaks (v1+, KIP-1099): classic (0), consumer (1), or -1 if unknown.</summary>
        public sbyte MemberType { get; set; } = MemberTypeUnknown;

        public void Read(ref ProtocolReader reader, short version)
        {
            MemberId = reader.ReadString();
            InstanceId = reader.ReadNullableString();
            RackId = reader.ReadNullableString();
            MemberEpoch = reader.ReadInt32();
            ClientId = reader.ReadString();
            ClientHost = reader.ReadString();
            SubscribedTopicNames = reader.ReadArray(static (ref ProtocolReader r) => r.ReadString());
            SubscribedTopicRegex = reader.ReadNullableString();
            Assignment = new MemberAssignment();
            Assignment.Read(ref reader, version);
            TargetAssignment = new MemberAssignment();
            TargetAssignment.Read(ref reader, version);
            if (version >= 1) MemberType = reader.ReadInt8();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(MemberId);
            writer.WriteNullableString(InstanceId);
            writer.WriteNullableString(RackId);
            writer.WriteInt32(MemberEpoch);
            writer.WriteString(ClientId);
            writer.WriteString(ClientHost);
            writer.WriteArray(SubscribedTopicNames, static (w, t) => w.WriteString(t));
            writer.WriteNullableString(SubscribedTopicRegex);
            Assignment.Write(writer, version);
            TargetAssignment.Write(writer, version);
            if (version >= 1) writer.WriteInt8(MemberType);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>A set of assigned partitions, grouped by topic.</summary>
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

    /// <summary>The assigned partitions of one topic, by id and name.</summary>
    public sealed class AssignedTopic : IMessage
    {
        public Uuid TopicId { get; set; }
        public string TopicName { get; set; } = "";
        public List<int> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            TopicId = reader.ReadUuid();
            TopicName = reader.ReadString();
            Partitions = VersionedCodec.ReadInt32s(ref reader);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteUuid(TopicId);
            writer.WriteString(TopicName);
            VersionedCodec.WriteInt32s(writer, Partitions);
            writer.WriteEmptyTaggedFields();
        }
    }
}
