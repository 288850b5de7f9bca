namespace Brook.Protocol.Messages;

// AlterPartitionReassignments (key 45, KIP-455), versions 0-1, flexible in every version. An admin
// (kafka-reassign-partitions.sh) asks the controller to move partitions to new replica sets; the controller adds the
// new replicas, waits for them to join the ISR, then drops the old ones. A null replica list cancels a pending
// reassignment. v1 adds AllowReplicationFactorChange (KIP-860): false makes the controller refuse a reassignment that
// changes a partition's replica count, and the response echoes the option. Versions are Kafka 4.1.0's (4.0 had v0
// only; the apache/kafka snapshot read for this codec, trunk of 2024-10, stops at v0).

/// <summary>AlterPartitionReassignments request: the new replica sets to move partitions to.</summary>
public sealed class AlterPartitionReassignmentsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.AlterPartitionReassignments, 0, 1, 0);

    public int TimeoutMs { get; set; } = 60000;
    /// <summary>
    /// v1+ (KIP-860). Not ignorable: v0 controllers always allow the change, so writing false at v0 throws rather than
    /// dropping the restriction.
    /// </summary>
    public bool AllowReplicationFactorChange { get; set; } = true;
    public List<ReassignableTopic> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        TimeoutMs = reader.ReadInt32();
        if (version >= 1) AllowReplicationFactorChange = reader.ReadBool();
        Topics = VersionedCodec.Read<ReassignableTopic>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(TimeoutMs);
        if (version >= 1) writer.WriteBool(AllowReplicationFactorChange);
        else if (!AllowReplicationFactorChange)
            throw new InvalidOperationException("AlterPartitionReassignments v0 cannot forbid replication factor changes (v1+, KIP-860)");
        VersionedCodec.Write(writer, Topics, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One topic's partitions to reassign.</summary>
    public sealed class ReassignableTopic : IMessage
    {
        public string Name { get; set; } = "";
        public List<ReassignablePartition> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<ReassignablePartition>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>A partition and its target replicas; null replicas cancel the partition's pending reassignment.</summary>
    public sealed class ReassignablePartition : IMessage
    {
        public int PartitionIndex { get; set; }
        public List<int>? Replicas { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            Replicas = reader.ReadNullableArray(static (ref ProtocolReader r) => r.ReadInt32());
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteArray(Replicas, static (w, id) => w.WriteInt32(id));
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>AlterPartitionReassignments response: whether each reassignment was accepted.</summary>
public sealed class AlterPartitionReassignmentsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    /// <summary>v1+: the option the request was handled with.</summary>
    public bool AllowReplicationFactorChange { get; set; } = true;
    public short ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public List<ReassignableTopicResponse> Responses { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        if (version >= 1) AllowReplicationFactorChange = reader.ReadBool();
        ErrorCode = reader.ReadInt16();
        ErrorMessage = reader.ReadNullableString();
        Responses = VersionedCodec.Read<ReassignableTopicResponse>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        if (version >= 1) writer.WriteBool(AllowReplicationFactorChange);
        writer.WriteInt16(ErrorCode);
        writer.WriteNullableString(ErrorMessage);
        VersionedCodec.Write(writer, Responses, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>Results for one topic.</summary>
    public sealed class ReassignableTopicResponse : IMessage
    {
        public string Name { get; set; } = "";
        public List<ReassignablePartitionResponse> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<ReassignablePartitionResponse>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The outcome for one partition.</summary>
    public sealed class ReassignablePartitionResponse : IMessage
    {
        public int PartitionIndex { get; set; }
        public short ErrorCode { get; set; }
        public string? ErrorMessage { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            ErrorCode = reader.ReadInt16();
            ErrorMessage = reader.ReadNullableString();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16(ErrorCode);
            writer.WriteNullableString(ErrorMessage);
            writer.WriteEmptyTaggedFields();
        }
    }
}
