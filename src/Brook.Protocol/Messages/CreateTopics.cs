using Brook.Common;

namespace Brook.Protocol.Messages;

// CreateTopics (key 19), versions 0-7, flexible from 5 (KIP-482).
// v1 ValidateOnly and per-topic error messages, v2 throttle time, v4 lets partitions/replication be -1 without an
// assignment (KIP-464), v5 echoes the resulting partitions, replication and configs (KIP-525), v6 may answer
// THROTTLING_QUOTA_EXCEEDED (KIP-599), v7 returns the new topic's id.

/// <summary>CreateTopics request: topics to create, each with partition count, replication and configs.</summary>
public sealed class CreateTopicsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.CreateTopics, 0, 7, 5);

    public List<CreatableTopic> Topics { get; set; } = [];
    public int TimeoutMs { get; set; } = 60000;
    public bool ValidateOnly { get; set; }

    /// <summary>One topic to create. NumPartitions/ReplicationFactor are -1 for "broker default" or a manual assignment.</summary>
    public sealed class CreatableTopic
    {
        public string Name { get; set; } = "";
        public int NumPartitions { get; set; }
        public short ReplicationFactor { get; set; }
        public List<CreatableReplicaAssignment> Assignments { get; set; } = [];
        public List<CreatableTopicConfig> Configs { get; set; } = [];

        internal void Read(ref ProtocolReader reader)
        {
            Name = reader.ReadString();
            NumPartitions = reader.ReadInt32();
            ReplicationFactor = reader.ReadInt16();
            Assignments = reader.ReadArray(static (ref ProtocolReader r) =>
            {
                var a = new CreatableReplicaAssignment
                {
                    PartitionIndex = r.ReadInt32(),
                    BrokerIds = r.ReadArray(static (ref ProtocolReader r2) => r2.ReadInt32()),
                };
                r.SkipTaggedFields();
                return a;
            });
            Configs = reader.ReadArray(static (ref ProtocolReader r) =>
            {
                var c = new CreatableTopicConfig { Name = r.ReadString(), Value = r.ReadNullableString() };
                r.SkipTaggedFields();
                return c;
            });
            reader.SkipTaggedFields();
        }

        internal void Write(ProtocolWriter writer)
        {
            writer.WriteString(Name);
            writer.WriteInt32(NumPartitions);
            writer.WriteInt16(ReplicationFactor);
            writer.WriteArray(Assignments, static (w, a) =>
            {
                w.WriteInt32(a.PartitionIndex);
                w.WriteArray(a.BrokerIds, static (w2, id) => w2.WriteInt32(id));
                w.WriteEmptyTaggedFields();
            });
            writer.WriteArray(Configs, static (w, c) =>
            {
                w.WriteString(c.Name);
                w.WriteNullableString(c.Value);
                w.WriteEmptyTaggedFields();
            });
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>Manual placement of one partition's replicas.</summary>
    public sealed class CreatableReplicaAssignment
    {
        public int PartitionIndex { get; set; }
        public List<int> BrokerIds { get; set; } = [];
    }

    /// <summary>One topic config override.</summary>
    public sealed class CreatableTopicConfig
    {
        public string Name { get; set; } = "";
        public string? Value { get; set; }
    }

    public void Read(ref ProtocolReader reader, short version)
    {
        var count = reader.ReadArrayLength();
        Topics = new List<CreatableTopic>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            var topic = new CreatableTopic();
            topic.Read(ref reader);
            Topics.Add(topic);
        }
        TimeoutMs = reader.ReadInt32();
        if (version >= 1) ValidateOnly = reader.ReadBool();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteArrayLength(Topics.Count);
        foreach (var topic in Topics) topic.Write(writer);
        writer.WriteInt32(TimeoutMs);
        if (version >= 1) writer.WriteBool(ValidateOnly);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>CreateTopics response: one result per requested topic.</summary>
public sealed class CreateTopicsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<CreatableTopicResult> Topics { get; set; } = [];

    /// <summary>The outcome for one topic; from v5 also the settings it was (or would be) created with.</summary>
    public sealed class CreatableTopicResult
    {
        public string Name { get; set; } = "";
        public Uuid TopicId { get; set; }
        public short ErrorCode { get; set; }
        public string? ErrorMessage { get; set; }
        /// <summary>Tagged field 0 (v5+): why <see cref="Configs"/> could not be returned; written only when non-zero.</summary>
        public short TopicConfigErrorCode { get; set; }
        public int NumPartitions { get; set; } = -1;
        public short ReplicationFactor { get; set; } = -1;
        /// <summary>Null when the configs are not returned (see <see cref="TopicConfigErrorCode"/>).</summary>
        public List<CreatableTopicConfigs>? Configs { get; set; } = [];

        internal void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            if (version >= 7) TopicId = reader.ReadUuid();
            ErrorCode = reader.ReadInt16();
            if (version >= 1) ErrorMessage = reader.ReadNullableString();
            if (version >= 5)
            {
                NumPartitions = reader.ReadInt32();
                ReplicationFactor = reader.ReadInt16();
                Configs = reader.ReadNullableArray(static (ref ProtocolReader r) =>
                {
                    var c = new CreatableTopicConfigs
                    {
                        Name = r.ReadString(),
                        Value = r.ReadNullableString(),
                        ReadOnly = r.ReadBool(),
                        ConfigSource = r.ReadInt8(),
                        IsSensitive = r.ReadBool(),
                    };
                    r.SkipTaggedFields();
                    return c;
                });
            }
            reader.ReadTaggedFields((uint tag, ref ProtocolReader field) =>
            {
                if (tag == 0) TopicConfigErrorCode = field.ReadInt16();
            });
        }

        internal void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            if (version >= 7) writer.WriteUuid(TopicId);
            writer.WriteInt16(ErrorCode);
            if (version >= 1) writer.WriteNullableString(ErrorMessage);
            if (version >= 5)
            {
                writer.WriteInt32(NumPartitions);
                writer.WriteInt16(ReplicationFactor);
                writer.WriteArray(Configs, static (w, c) =>
                {
                    w.WriteString(c.Name);
                    w.WriteNullableString(c.Value);
                    w.WriteBool(c.ReadOnly);
                    w.WriteInt8(c.ConfigSource);
                    w.WriteBool(c.IsSensitive);
                    w.WriteEmptyTaggedFields();
                });
            }
            if (!writer.Flexible) return;
            if (TopicConfigErrorCode == 0)
            {
                writer.WriteUnsignedVarInt(0);
                return;
            }
            var code = TopicConfigErrorCode;
            writer.WriteUnsignedVarInt(1);
            writer.WriteTaggedField(0, w => w.WriteInt16(code));
        }
    }

    /// <summary>One effective config of a created topic (v5+, KIP-525).</summary>
    public sealed class CreatableTopicConfigs
    {
        public string Name { get; set; } = "";
        public string? Value { get; set; }
        public bool ReadOnly { get; set; }
        public sbyte ConfigSource { get; set; } = -1;
        public bool IsSensitive { get; set; }
    }

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 2) ThrottleTimeMs = reader.ReadInt32();
        var count = reader.ReadArrayLength();
        Topics = new List<CreatableTopicResult>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            var topic = new CreatableTopicResult();
            topic.Read(ref reader, version);
            Topics.Add(topic);
        }
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 2) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteArrayLength(Topics.Count);
        foreach (var topic in Topics) topic.Write(writer, version);
        writer.WriteEmptyTaggedFields();
    }
}
