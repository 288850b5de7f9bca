using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Protocol.Messages;

// FetchSnapshot (key 59, KIP-630), versions 0-1, flexible in every version. A KRaft follower or observer whose fetch
// offset fell below the leader's log start (the Fetch response named a SnapshotId) downloads that snapshot in chunks:
// each request asks for bytes from Position, each response returns the next chunk and the snapshot's total Size.
// The chunks are raw bytes of the snapshot file, so a chunk may end inside a record batch (UnalignedRecords).
// v1 adds the follower's tagged ReplicaDirectoryId and the response's tagged NodeEndpoints (KIP-853).

/// <summary>FetchSnapshot request: the next chunk of a snapshot a replica is downloading.</summary>
public sealed class FetchSnapshotRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.FetchSnapshot, 0, 1, 0);

    /// <summary>Tagged (tag 0): the cluster id if the sender knows it; null is not sent.</summary>
    public string? ClusterId { get; set; }
    /// <summary>The fetching replica's id, or -1.</summary>
    public int ReplicaId { get; set; } = -1;
    /// <summary>Most bytes to return over all partitions.</summary>
    public int MaxBytes { get; set; } = int.MaxValue;
    public List<TopicSnapshot> Topics { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ReplicaId = reader.ReadInt32();
        MaxBytes = reader.ReadInt32();
        Topics = VersionedCodec.Read<TopicSnapshot>(ref reader, version);
        var tags = VersionedCodec.ReadTagCount(ref reader);
        for (var i = 0u; i < tags; i++)
        {
            var field = VersionedCodec.ReadTaggedField(ref reader, out var tag);
            if (tag == 0) ClusterId = field.ReadNullableString();
        }
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ReplicaId);
        writer.WriteInt32(MaxBytes);
        VersionedCodec.Write(writer, Topics, version);
        if (!writer.Flexible) return;
        var clusterId = ClusterId;
        writer.WriteUnsignedVarInt(clusterId is null ? 0u : 1u);
        if (clusterId is not null) writer.WriteTaggedField(0, w => w.WriteNullableString(clusterId));
    }

    /// <summary>The snapshots wanted from one topic.</summary>
    public sealed class TopicSnapshot : IMessage
    {
        public string Name { get; set; } = "";
        public List<PartitionSnapshot> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<PartitionSnapshot>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>Which snapshot of a partition to read, and from which byte.</summary>
    public sealed class PartitionSnapshot : IMessage
    {
        public int Partition { get; set; }
        /// <summary>The fetcher's leader epoch for fencing, or -1 if unknown.</summary>
        public int CurrentLeaderEpoch { get; set; }
        public SnapshotId SnapshotId { get; set; } = new();
        /// <summary>Byte position in the snapshot to read from.</summary>
        public long Position { get; set; }
        /// <summary>Tagged (tag 0, v1+): the fetcher's log directory id (KIP-853); zero is not sent.</summary>
        public Uuid ReplicaDirectoryId { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            Partition = reader.ReadInt32();
            CurrentLeaderEpoch = reader.ReadInt32();
            SnapshotId = new SnapshotId();
            SnapshotId.Read(ref reader, version);
            Position = reader.ReadInt64();
            var tags = VersionedCodec.ReadTagCount(ref reader);
            for (var i = 0u; i < tags; i++)
            {
                var field = VersionedCodec.ReadTaggedField(ref reader, out var tag);
                if (tag == 0 && version >= 1) ReplicaDirectoryId = field.ReadUuid();
            }
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(Partition);
            writer.WriteInt32(CurrentLeaderEpoch);
            SnapshotId.Write(writer, version);
            writer.WriteInt64(Position);
            if (!writer.Flexible) return;
            var directory = version >= 1 && !ReplicaDirectoryId.IsZero;
            writer.WriteUnsignedVarInt(directory ? 1u : 0u);
            if (directory)
            {
                var id = ReplicaDirectoryId;
                writer.WriteTaggedField(0, w => w.WriteUuid(id));
            }
        }
    }
}

/// <summary>FetchSnapshot response: one chunk of each requested snapshot.</summary>
public sealed class FetchSnapshotResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    public List<TopicSnapshot> Topics { get; set; } = [];
    /// <summary>Tagged (tag 0, v1+): endpoints of the leaders named in CurrentLeader (KIP-853); empty is not sent.</summary>
    public List<RaftNodeEndpoint> NodeEndpoints { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        Topics = VersionedCodec.Read<TopicSnapshot>(ref reader, version);
        var tags = VersionedCodec.ReadTagCount(ref reader);
        for (var i = 0u; i < tags; i++)
        {
            var field = VersionedCodec.ReadTaggedField(ref reader, out var tag);
            if (tag == 0 && version >= 1) NodeEndpoints = VersionedCodec.Read<RaftNodeEndpoint>(ref field, version);
        }
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        VersionedCodec.Write(writer, Topics, version);
        if (!writer.Flexible) return;
        var endpoints = version >= 1 && NodeEndpoints.Count > 0;
        writer.WriteUnsignedVarInt(endpoints ? 1u : 0u);
        if (endpoints) writer.WriteTaggedField(0, w => VersionedCodec.Write(w, NodeEndpoints, version));
    }

    /// <summary>The chunks returned for one topic.</summary>
    public sealed class TopicSnapshot : IMessage
    {
        public string Name { get; set; } = "";
        public List<PartitionSnapshot> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Partitions = VersionedCodec.Read<PartitionSnapshot>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One partition's chunk of its snapshot.</summary>
    public sealed class PartitionSnapshot : IMessage
    {
        public int Index { get; set; }
        public short ErrorCode { get; set; }
        public SnapshotId SnapshotId { get; set; } = new();
        /// <summary>
        /// Tagged (tag 0): the current leader, for fenced/not-leader errors. Unlike in Fetch, this schema gives the struct
        /// no -1 defaults, so Kafka omits it only when it is (0, 0): null and (0, 0) are not sent, (-1, -1) is.
        /// </summary>
        public LeaderIdAndEpoch? CurrentLeader { get; set; }
        /// <summary>Total size of the snapshot in bytes.</summary>
        public long Size { get; set; }
        /// <summary>Byte position in the snapshot of the first byte of <see cref="UnalignedRecords"/>.</summary>
        public long Position { get; set; }
        /// <summary>The chunk: raw snapshot bytes that may start or end inside a record batch. Not nullable on the wire.</summary>
        public RecordSet UnalignedRecords { get; set; } = new MemoryRecordSet(ReadOnlyMemory<byte>.Empty);

        public void Read(ref ProtocolReader reader, short version)
        {
            Index = reader.ReadInt32();
            ErrorCode = reader.ReadInt16();
            SnapshotId = new SnapshotId();
            SnapshotId.Read(ref reader, version);
            Size = reader.ReadInt64();
            Position = reader.ReadInt64();
            UnalignedRecords = new MemoryRecordSet(reader.ReadBytes());
            var tags = VersionedCodec.ReadTagCount(ref reader);
            for (var i = 0u; i < tags; i++)
            {
                var field = VersionedCodec.ReadTaggedField(ref reader, out var tag);
                if (tag == 0)
                {
                    CurrentLeader = new LeaderIdAndEpoch();
                    CurrentLeader.Read(ref field, version);
                }
            }
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(Index);
            writer.WriteInt16(ErrorCode);
            SnapshotId.Write(writer, version);
            writer.WriteInt64(Size);
            writer.WriteInt64(Position);
            writer.WriteRecords(UnalignedRecords);
            if (!writer.Flexible) return;
            var leader = CurrentLeader is { LeaderId: not 0 } or { LeaderEpoch: not 0 } ? CurrentLeader : null;
            writer.WriteUnsignedVarInt(leader is null ? 0u : 1u);
            if (leader is not null) writer.WriteTaggedField(0, w => leader.Write(w, version));
        }
    }
}
