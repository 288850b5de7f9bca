using Brook.Common;

namespace Brook.Protocol.Messages;

// Metadata (key 3), versions 0-13, flexible from 9 (KIP-482).
// v1 makes the topic list nullable (null = all topics; in v0 an empty list meant all), adds rack, controller id, IsInternal.
// v2 cluster id, v3 throttle time, v4 AllowAutoTopicCreation, v5 offline replicas, v7 leader epoch,
// v8 authorized operations (KIP-430), v10 topic ids (KIP-516; only honoured by brokers from v12, where names may be null),
// v11 drops the cluster authorized operations (moved to DescribeCluster, KIP-700), v13 adds a top-level error code (KIP-1102).

/// <summary>Metadata request: which topics to describe. <see cref="Topics"/> null means every topic.</summary>
public sealed class MetadataRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.Metadata, 0, 13, 9);

    /// <summary>Topics to describe; null asks for all topics (a v0 empty list is read as null, and null is written as v0's empty list).</summary>
    public List<MetadataRequestTopic>? Topics { get; set; } = [];
    public bool AllowAutoTopicCreation { get; set; } = true;
    public bool IncludeClusterAuthorizedOperations { get; set; }
    public bool IncludeTopicAuthorizedOperations { get; set; }

    /// <summary>One requested topic, by name or (v10+) by id.</summary>
    public sealed class MetadataRequestTopic
    {
        public Uuid TopicId { get; set; }
        /// <summary>Null only from v10, when the topic is asked for by id.</summary>
        public string? Name { get; set; } = "";

        internal void Read(ref ProtocolReader reader, short version)
        {
            if (version >= 10) TopicId = reader.ReadUuid();
            Name = version >= 10 ? reader.ReadNullableString() : reader.ReadString();
            reader.SkipTaggedFields();
        }

        internal void Write(ProtocolWriter writer, short version)
        {
            if (version >= 10) writer.WriteUuid(TopicId);
            if (version >= 10) writer.WriteNullableString(Name);
            else writer.WriteString(Name ?? "");
            writer.WriteEmptyTaggedFields();
        }
    }

    public void Read(ref ProtocolReader reader, short version)
    {
        var count = reader.ReadArrayLength();
        if (count < 0 && version < 1) throw new ProtocolException("Metadata v0 topic array cannot be null");
        // v0 had no null array: its empty array was the "all topics" request, which later versions spell as null.
        if (count < 0 || (count == 0 && version == 0))
        {
            Topics = null;
        }
        else
        {
            Topics = new List<MetadataRequestTopic>(count);
            for (var i = 0; i < count; i++)
            {
                var topic = new MetadataRequestTopic();
                topic.Read(ref reader, version);
                Topics.Add(topic);
            }
        }
        if (version >= 4) AllowAutoTopicCreation = reader.ReadBool();
        if (version is >= 8 and <= 10) IncludeClusterAuthorizedOperations = reader.ReadBool();
        if (version >= 8) IncludeTopicAuthorizedOperations = reader.ReadBool();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (Topics is null)
        {
            writer.WriteArrayLength(version == 0 ? 0 : -1);
        }
        else
        {
            // An empty v0 list would be read back as "all topics"; v0 simply cannot ask for no topics.
            if (version == 0 && Topics.Count == 0)
                throw new InvalidOperationException("Metadata v0 cannot request an empty topic list");
            writer.WriteArrayLength(Topics.Count);
            foreach (var topic in Topics) topic.Write(writer, version);
        }
        if (version >= 4) writer.WriteBool(AllowAutoTopicCreation);
        if (version is >= 8 and <= 10) writer.WriteBool(IncludeClusterAuthorizedOperations);
        if (version >= 8) writer.WriteBool(IncludeTopicAuthorizedOperations);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>Metadata response: the brokers, the controller and the state of each requested topic's partitions.</summary>
public sealed class MetadataResponse : IMessage
{
    /// <summary>Kafka's "no authorized operations were requested" sentinel for the operation bitfields.</summary>
    public const int AuthorizedOperationsOmitted = int.MinValue;

    public int ThrottleTimeMs { get; set; }
    public List<MetadataResponseBroker> Brokers { get; set; } = [];
    public string? ClusterId { get; set; }
    public int ControllerId { get; set; } = -1;
    public List<MetadataResponseTopic> Topics { get; set; } = [];
    /// <summary>Only on the wire in v8-10.</summary>
    public int ClusterAuthorizedOperations { get; set; } = AuthorizedOperationsOmitted;
    /// <summary>Top-level error (v13+, KIP-1102); older versions cannot carry it.</summary>
    public short ErrorCode { get; set; }

    /// <summary>One broker of the cluster as clients should reach it.</summary>
    public sealed class MetadataResponseBroker
    {
        public int NodeId { get; set; }
        public string Host { get; set; } = "";
        public int Port { get; set; }
        public string? Rack { get; set; }

        internal void Read(ref ProtocolReader reader, short version)
        {
            NodeId = reader.ReadInt32();
            Host = reader.ReadString();
            Port = reader.ReadInt32();
            if (version >= 1) Rack = reader.ReadNullableString();
            reader.SkipTaggedFields();
        }

        internal void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(NodeId);
            writer.WriteString(Host);
            writer.WriteInt32(Port);
            if (version >= 1) writer.WriteNullableString(Rack);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One topic's metadata, or its error.</summary>
    public sealed class MetadataResponseTopic
    {
        public short ErrorCode { get; set; }
        /// <summary>Null only from v12, for a topic asked for by an id that does not exist.</summary>
        public string? Name { get; set; } = "";
        public Uuid TopicId { get; set; }
        public bool IsInternal { get; set; }
        public List<MetadataResponsePartition> Partitions { get; set; } = [];
        public int TopicAuthorizedOperations { get; set; } = AuthorizedOperationsOmitted;

        internal void Read(ref ProtocolReader reader, short version)
        {
            ErrorCode = reader.ReadInt16();
            Name = version >= 12 ? reader.ReadNullableString() : reader.ReadString();
            if (version >= 10) TopicId = reader.ReadUuid();
            if (version >= 1) IsInternal = reader.ReadBool();
            var count = reader.ReadArrayLength();
            Partitions = new List<MetadataResponsePartition>(Math.Max(count, 0));
            for (var i = 0; i < count; i++)
            {
                var partition = new MetadataResponsePartition();
                partition.Read(ref reader, version);
                Partitions.Add(partition);
            }
            if (version >= 8) TopicAuthorizedOperations = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        internal void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt16(ErrorCode);
            if (version >= 12) writer.WriteNullableString(Name);
            else writer.WriteString(Name ?? "");
            if (version >= 10) writer.WriteUuid(TopicId);
            if (version >= 1) writer.WriteBool(IsInternal);
            writer.WriteArrayLength(Partitions.Count);
            foreach (var partition in Partitions) partition.Write(writer, version);
            if (version >= 8) writer.WriteInt32(TopicAuthorizedOperations);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One partition: its leader, replicas and in-sync replicas.</summary>
    public sealed class MetadataResponsePartition
    {
        public short ErrorCode { get; set; }
        public int PartitionIndex { get; set; }
        public int LeaderId { get; set; }
        public int LeaderEpoch { get; set; } = -1;
        public List<int> ReplicaNodes { get; set; } = [];
        public List<int> IsrNodes { get; set; } = [];
        public List<int> OfflineReplicas { get; set; } = [];

        internal void Read(ref ProtocolReader reader, short version)
        {
            ErrorCode = reader.ReadInt16();
            PartitionIndex = reader.ReadInt32();
            LeaderId = reader.ReadInt32();
            if (version >= 7) LeaderEpoch = reader.ReadInt32();
            ReplicaNodes = reader.ReadArray(static (ref ProtocolReader r) => r.ReadInt32());
            IsrNodes = reader.ReadArray(static (ref ProtocolReader r) => r.ReadInt32());
            if (version >= 5) OfflineReplicas = reader.ReadArray(static (ref ProtocolReader r) => r.ReadInt32());
            reader.SkipTaggedFields();
        }

        internal void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt16(ErrorCode);
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt32(LeaderId);
            if (version >= 7) writer.WriteInt32(LeaderEpoch);
            writer.WriteArray(ReplicaNodes, static (w, id) => w.WriteInt32(id));
            writer.WriteArray(IsrNodes, static (w, id) => w.WriteInt32(id));
            if (version >= 5) writer.WriteArray(OfflineReplicas, static (w, id) => w.WriteInt32(id));
            writer.WriteEmptyTaggedFields();
        }
    }

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 3) ThrottleTimeMs = reader.ReadInt32();
        var brokerCount = reader.ReadArrayLength();
        Brokers = new List<MetadataResponseBroker>(Math.Max(brokerCount, 0));
        for (var i = 0; i < brokerCount; i++)
        {
            var broker = new MetadataResponseBroker();
            broker.Read(ref reader, version);
            Brokers.Add(broker);
        }
        if (version >= 2) ClusterId = reader.ReadNullableString();
        if (version >= 1) ControllerId = reader.ReadInt32();
        var topicCount = reader.ReadArrayLength();
        Topics = new List<MetadataResponseTopic>(Math.Max(topicCount, 0));
        for (var i = 0; i < topicCount; i++)
        {
            var topic = new MetadataResponseTopic();
            topic.Read(ref reader, version);
            Topics.Add(topic);
        }
        if (version is >= 8 and <= 10) ClusterAuthorizedOperations = reader.ReadInt32();
        if (version >= 13) ErrorCode = reader.ReadInt16();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 3) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteArrayLength(Brokers.Count);
        foreach (var broker in Brokers) broker.Write(writer, version);
        if (version >= 2) writer.WriteNullableString(ClusterId);
        if (version >= 1) writer.WriteInt32(ControllerId);
        writer.WriteArrayLength(Topics.Count);
        foreach (var topic in Topics) topic.Write(writer, version);
        if (version is >= 8 and <= 10) writer.WriteInt32(ClusterAuthorizedOperations);
        if (version >= 13) writer.WriteInt16(ErrorCode);
        writer.WriteEmptyTaggedFields();
    }
}
