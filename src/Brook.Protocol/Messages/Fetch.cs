using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Protocol.Messages;

// Fetch (key 1), codec versions 4-18 (0-3 were removed in Kafka 4.0), flexible from 12 (KIP-482).
// v4 isolation level / aborted transactions; v5 log start offset; v7 fetch sessions (KIP-227); v9 current leader epoch
// (KIP-320); v11 rack id and preferred read replica (KIP-392); v12 last fetched epoch and the tagged diverging epoch,
// current leader and snapshot id; v13 topic ids instead of names (KIP-516); v15 the replica id moves into the tagged
// ReplicaState (KIP-903); v16 tagged NodeEndpoints in the response (KIP-951); v17 tagged ReplicaDirectoryId (KIP-853);
// v18 tagged follower HighWatermark (KIP-1166). The codec also handles the layouts of v0-3, which are never negotiated.

/// <summary>A Fetch request from a consumer or follower.</summary>
public sealed class FetchRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.Fetch, 4, 18, 12);

    /// <summary>Tagged (tag 0, v12+): the cluster id if the sender knows it; null is not sent.</summary>
    public string? ClusterId { get; set; }
    /// <summary>
    /// The fetching broker's id, or -1 for a consumer. A body field up to v14; from v15 it travels, with
    /// <see cref="ReplicaEpoch"/>, in the tagged ReplicaState struct (tag 1), which is flattened into these two properties.
    /// </summary>
    public int ReplicaId { get; set; } = -1;
    /// <summary>The follower's broker epoch (v15+, part of the tagged ReplicaState), or -1.</summary>
    public long ReplicaEpoch { get; set; } = -1;
    public int MaxWaitMs { get; set; }
    public int MinBytes { get; set; }
    public int MaxBytes { get; set; } = int.MaxValue;
    /// <summary>0 = READ_UNCOMMITTED, 1 = READ_COMMITTED.</summary>
    public sbyte IsolationLevel { get; set; }
    /// <summary>Fetch session id (KIP-227); 0 means no session.</summary>
    public int SessionId { get; set; }
    /// <summary>Fetch session epoch: -1 = full fetch without session, 0 = open a new session.</summary>
    public int SessionEpoch { get; set; } = -1;
    public List<FetchTopic> Topics { get; set; } = [];
    /// <summary>Partitions to drop from an incremental fetch session (v7+).</summary>
    public List<ForgottenTopic> ForgottenTopicsData { get; set; } = [];
    /// <summary>The consumer's rack, for follower fetching (v11+, KIP-392).</summary>
    public string RackId { get; set; } = "";

    private bool HasReplicaState => ReplicaId != -1 || ReplicaEpoch != -1;

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version <= 14) ReplicaId = reader.ReadInt32();
        MaxWaitMs = reader.ReadInt32();
        MinBytes = reader.ReadInt32();
        if (version >= 3) MaxBytes = reader.ReadInt32();
        if (version >= 4) IsolationLevel = reader.ReadInt8();
        if (version >= 7)
        {
            SessionId = reader.ReadInt32();
            SessionEpoch = reader.ReadInt32();
        }
        Topics = VersionedCodec.Read<FetchTopic>(ref reader, version);
        if (version >= 7) ForgottenTopicsData = VersionedCodec.Read<ForgottenTopic>(ref reader, version);
        if (version >= 11) RackId = reader.ReadString();
        var tags = VersionedCodec.ReadTagCount(ref reader);
        for (var i = 0u; i < tags; i++)
        {
            var field = VersionedCodec.ReadTaggedField(ref reader, out var tag);
            switch (tag)
            {
                case 0:
                    ClusterId = field.ReadNullableString();
                    break;
                case 1 when version >= 15:
                    ReplicaId = field.ReadInt32();
                    ReplicaEpoch = field.ReadInt64();
                    field.SkipTaggedFields();
                    break;
            }
        }
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version <= 14) writer.WriteInt32(ReplicaId);
        writer.WriteInt32(MaxWaitMs);
        writer.WriteInt32(MinBytes);
        if (version >= 3) writer.WriteInt32(MaxBytes);
        if (version >= 4) writer.WriteInt8(IsolationLevel);
        if (version >= 7)
        {
            writer.WriteInt32(SessionId);
            writer.WriteInt32(SessionEpoch);
        }
        VersionedCodec.Write(writer, Topics, version);
        if (version >= 7) VersionedCodec.Write(writer, ForgottenTopicsData, version);
        if (version >= 11) writer.WriteString(RackId);
        if (!writer.Flexible) return;
        var clusterId = ClusterId;
        var replicaState = version >= 15 && HasReplicaState;
        writer.WriteUnsignedVarInt((clusterId is not null ? 1u : 0u) + (replicaState ? 1u : 0u));
        if (clusterId is not null) writer.WriteTaggedField(0, w => w.WriteNullableString(clusterId));
        if (replicaState)
        {
            var (id, epoch) = (ReplicaId, ReplicaEpoch);
            writer.WriteTaggedField(1, w =>
            {
                w.WriteInt32(id);
                w.WriteInt64(epoch);
                w.WriteEmptyTaggedFields();
            });
        }
    }

    /// <summary>Partitions to fetch from one topic; named by <see cref="Topic"/> up to v12 and by <see cref="TopicId"/> from v13.</summary>
    public sealed class FetchTopic : IMessage
    {
        public string Topic { get; set; } = "";
        public Uuid TopicId { get; set; }
        public List<FetchPartition> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            if (version <= 12) Topic = reader.ReadString();
            else TopicId = reader.ReadUuid();
            Partitions = VersionedCodec.Read<FetchPartition>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            if (version <= 12) writer.WriteString(Topic);
            else writer.WriteUuid(TopicId);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>Where to fetch from in one partition.</summary>
    public sealed class FetchPartition : IMessage
    {
        /// <summary>Sent by followers that do not support KIP-1166 and by consumers: "high watermark unknown to the sender".</summary>
        public const long HighWatermarkNotSupported = long.MaxValue;

        public int Partition { get; set; }
        /// <summary>The fetcher's view of the leader epoch for fencing (v9+, KIP-320), or -1.</summary>
        public int CurrentLeaderEpoch { get; set; } = -1;
        public long FetchOffset { get; set; }
        /// <summary>Epoch of the last fetched record, for divergence detection (v12+), or -1.</summary>
        public int LastFetchedEpoch { get; set; } = -1;
        /// <summary>The follower's log start offset (v5+), -1 from consumers.</summary>
        public long LogStartOffset { get; set; } = -1;
        public int PartitionMaxBytes { get; set; }
        /// <summary>Tagged (tag 0, v17+): the follower's log directory id (KIP-853); zero is not sent.</summary>
        public Uuid ReplicaDirectoryId { get; set; }
        /// <summary>Tagged (tag 1, v18+): the follower's high watermark (KIP-1166); <see cref="HighWatermarkNotSupported"/> is not sent.</summary>
        public long HighWatermark { get; set; } = HighWatermarkNotSupported;

        public void Read(ref ProtocolReader reader, short version)
        {
            Partition = reader.ReadInt32();
            if (version >= 9) CurrentLeaderEpoch = reader.ReadInt32();
            FetchOffset = reader.ReadInt64();
            if (version >= 12) LastFetchedEpoch = reader.ReadInt32();
            if (version >= 5) LogStartOffset = reader.ReadInt64();
            PartitionMaxBytes = reader.ReadInt32();
            var tags = VersionedCodec.ReadTagCount(ref reader);
            for (var i = 0u; i < tags; i++)
            {
                var field = VersionedCodec.ReadTaggedField(ref reader, out var tag);
                switch (tag)
                {
                    case 0 when version >= 17:
                        ReplicaDirectoryId = field.ReadUuid();
                        break;
                    case 1 when version >= 18:
                        HighWatermark = field.ReadInt64();
                        break;
                }
            }
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(Partition);
            if (version >= 9) writer.WriteInt32(CurrentLeaderEpoch);
            writer.WriteInt64(FetchOffset);
            if (version >= 12) writer.WriteInt32(LastFetchedEpoch);
            if (version >= 5) writer.WriteInt64(LogStartOffset);
            writer.WriteInt32(PartitionMaxBytes);
            if (!writer.Flexible) return;
            var directory = version >= 17 && !ReplicaDirectoryId.IsZero;
            var highWatermark = version >= 18 && HighWatermark != HighWatermarkNotSupported;
            writer.WriteUnsignedVarInt((directory ? 1u : 0u) + (highWatermark ? 1u : 0u));
            if (directory)
            {
                var id = ReplicaDirectoryId;
                writer.WriteTaggedField(0, w => w.WriteUuid(id));
            }
            if (highWatermark)
            {
                var hw = HighWatermark;
                writer.WriteTaggedField(1, w => w.WriteInt64(hw));
            }
        }
    }

    /// <summary>Partitions of one topic to remove from the fetch session (v7+).</summary>
    public sealed class ForgottenTopic : IMessage
    {
        public string Topic { get; set; } = "";
        public Uuid TopicId { get; set; }
        public List<int> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            if (version <= 12) Topic = reader.ReadString();
            else TopicId = reader.ReadUuid();
            Partitions = VersionedCodec.ReadInt32s(ref reader);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            if (version <= 12) writer.WriteString(Topic);
            else writer.WriteUuid(TopicId);
            VersionedCodec.WriteInt32s(writer, Partitions);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>The Fetch response: records and partition state per requested partition.</summary>
public sealed class FetchResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    /// <summary>Top-level error (v7+), e.g. a fetch session error.</summary>
    public short ErrorCode { get; set; }
    /// <summary>The fetch session id, or 0 if the response is not part of a session (v7+).</summary>
    public int SessionId { get; set; }
    public List<FetchableTopicResponse> Responses { get; set; } = [];
    /// <summary>Tagged (tag 0, v16+): endpoints of leaders named in CurrentLeader of fenced/not-leader partitions (KIP-951).</summary>
    public List<NodeEndpoint> NodeEndpoints { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 1) ThrottleTimeMs = reader.ReadInt32();
        if (version >= 7)
        {
            ErrorCode = reader.ReadInt16();
            SessionId = reader.ReadInt32();
        }
        Responses = VersionedCodec.Read<FetchableTopicResponse>(ref reader, version);
        var tags = VersionedCodec.ReadTagCount(ref reader);
        for (var i = 0u; i < tags; i++)
        {
            var field = VersionedCodec.ReadTaggedField(ref reader, out var tag);
            if (tag == 0 && version >= 16) NodeEndpoints = VersionedCodec.Read<NodeEndpoint>(ref field, version);
        }
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        if (version >= 7)
        {
            writer.WriteInt16(ErrorCode);
            writer.WriteInt32(SessionId);
        }
        VersionedCodec.Write(writer, Responses, version);
        if (!writer.Flexible) return;
        var endpoints = version >= 16 && NodeEndpoints.Count > 0;
        writer.WriteUnsignedVarInt(endpoints ? 1u : 0u);
        if (endpoints) writer.WriteTaggedField(0, w => VersionedCodec.Write(w, NodeEndpoints, version));
    }

    /// <summary>Results for one topic; named by <see cref="Topic"/> up to v12 and by <see cref="TopicId"/> from v13.</summary>
    public sealed class FetchableTopicResponse : IMessage
    {
        public string Topic { get; set; } = "";
        public Uuid TopicId { get; set; }
        public List<PartitionData> Partitions { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            if (version <= 12) Topic = reader.ReadString();
            else TopicId = reader.ReadUuid();
            Partitions = VersionedCodec.Read<PartitionData>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            if (version <= 12) writer.WriteString(Topic);
            else writer.WriteUuid(TopicId);
            VersionedCodec.Write(writer, Partitions, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One partition's fetched records and state.</summary>
    public sealed class PartitionData : IMessage
    {
        public int PartitionIndex { get; set; }
        public short ErrorCode { get; set; }
        public long HighWatermark { get; set; }
        /// <summary>Last stable offset (v4+): below it every transaction is decided; -1 if unknown.</summary>
        public long LastStableOffset { get; set; } = -1;
        public long LogStartOffset { get; set; } = -1;
        /// <summary>Tagged (tag 0, v12+): largest epoch and end offset before the fetcher's log diverges; null/default is not sent.</summary>
        public EpochEndOffset? DivergingEpoch { get; set; }
        /// <summary>Tagged (tag 1, v12+): the current leader, for fenced/not-leader errors; null/default is not sent.</summary>
        public LeaderIdAndEpoch? CurrentLeader { get; set; }
        /// <summary>Tagged (tag 2, v12+): the snapshot to fetch when the offset is below the log start (KRaft); null/default is not sent.</summary>
        public SnapshotId? SnapshotId { get; set; }
        /// <summary>Aborted transactions overlapping the returned records (v4+, READ_COMMITTED); null is a valid value on the wire.</summary>
        public List<AbortedTransaction>? AbortedTransactions { get; set; } = [];
        /// <summary>Replica the consumer should fetch from next (v11+, KIP-392), or -1.</summary>
        public int PreferredReadReplica { get; set; } = -1;
        /// <summary>The record batches; a slice of the response frame after a read.</summary>
        public RecordSet? Records { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            PartitionIndex = reader.ReadInt32();
            ErrorCode = reader.ReadInt16();
            HighWatermark = reader.ReadInt64();
            if (version >= 4) LastStableOffset = reader.ReadInt64();
            if (version >= 5) LogStartOffset = reader.ReadInt64();
            if (version >= 4) AbortedTransactions = VersionedCodec.ReadNullable<AbortedTransaction>(ref reader, version);
            if (version >= 11) PreferredReadReplica = reader.ReadInt32();
            Records = reader.ReadRecords();
            var tags = VersionedCodec.ReadTagCount(ref reader);
            for (var i = 0u; i < tags; i++)
            {
                var field = VersionedCodec.ReadTaggedField(ref reader, out var tag);
                switch (tag)
                {
                    case 0:
                        DivergingEpoch = new EpochEndOffset();
                        DivergingEpoch.Read(ref field, version);
                        break;
                    case 1:
                        CurrentLeader = new LeaderIdAndEpoch();
                        CurrentLeader.Read(ref field, version);
                        break;
                    case 2:
                        SnapshotId = new SnapshotId();
                        SnapshotId.Read(ref field, version);
                        break;
                }
            }
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16(ErrorCode);
            writer.WriteInt64(HighWatermark);
            if (version >= 4) writer.WriteInt64(LastStableOffset);
            if (version >= 5) writer.WriteInt64(LogStartOffset);
            if (version >= 4) VersionedCodec.Write(writer, AbortedTransactions, version);
            if (version >= 11) writer.WriteInt32(PreferredReadReplica);
            writer.WriteRecords(Records);
            if (!writer.Flexible) return;
            // Tagged structs are sent only when they differ from their all-default value, in ascending tag order.
            var diverging = DivergingEpoch is { IsDefault: false } d ? d : null;
            var leader = CurrentLeader is { IsDefault: false } l ? l : null;
            var snapshot = SnapshotId is { IsDefault: false } s ? s : null;
            writer.WriteUnsignedVarInt((diverging is null ? 0u : 1u) + (leader is null ? 0u : 1u) + (snapshot is null ? 0u : 1u));
            if (diverging is not null) writer.WriteTaggedField(0, w => diverging.Write(w, version));
            if (leader is not null) writer.WriteTaggedField(1, w => leader.Write(w, version));
            if (snapshot is not null) writer.WriteTaggedField(2, w => snapshot.Write(w, version));
        }
    }

    /// <summary>An epoch and the offset where it ends.</summary>
    public sealed record EpochEndOffset : IMessage
    {
        public int Epoch { get; set; } = -1;
        public long EndOffset { get; set; } = -1;

        public bool IsDefault => Epoch == -1 && EndOffset == -1;

        public void Read(ref ProtocolReader reader, short version)
        {
            Epoch = reader.ReadInt32();
            EndOffset = reader.ReadInt64();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(Epoch);
            writer.WriteInt64(EndOffset);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>A transaction aborted within the returned range: its producer and first offset.</summary>
    public sealed record AbortedTransaction : IMessage
    {
        public long ProducerId { get; set; }
        public long FirstOffset { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            ProducerId = reader.ReadInt64();
            FirstOffset = reader.ReadInt64();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt64(ProducerId);
            writer.WriteInt64(FirstOffset);
            writer.WriteEmptyTaggedFields();
        }
    }
}
