namespace Brook.Protocol.Messages;

// DescribeConfigs (key 32), versions 0-4, flexible from 4 (KIP-482).
// v0 marks each config only with IsDefault; v1 replaces that with ConfigSource and adds synonyms (KIP-226), which the
// client must ask for with IncludeSynonyms; v2 only changes throttling behaviour; v3 adds IncludeDocumentation and
// returns each config's type and documentation (KIP-569).

/// <summary>DescribeConfigs request: the resources (topics, brokers, ...) whose configs are wanted, optionally a subset of keys.</summary>
public sealed class DescribeConfigsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.DescribeConfigs, 0, 4, 4);

    /// <summary>Config resource types on the wire (shared by DescribeConfigs, AlterConfigs and IncrementalAlterConfigs).</summary>
    public const sbyte ResourceTypeUnknown = 0, ResourceTypeTopic = 2, ResourceTypeBroker = 4, ResourceTypeBrokerLogger = 8,
        ResourceTypeClientMetrics = 16, ResourceTypeGroup = 32;

    public List<DescribeConfigsResource> Resources { get; set; } = [];
    /// <summary>Return each config's synonyms (v1+).</summary>
    public bool IncludeSynonyms { get; set; }
    /// <summary>Return each config's documentation (v3+).</summary>
    public bool IncludeDocumentation { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        Resources = VersionedCodec.Read<DescribeConfigsResource>(ref reader, version);
        if (version >= 1) IncludeSynonyms = reader.ReadBool();
        if (version >= 3) IncludeDocumentation = reader.ReadBool();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        VersionedCodec.Write(writer, Resources, version);
        if (version >= 1) writer.WriteBool(IncludeSynonyms);
        if (version >= 3) writer.WriteBool(IncludeDocumentation);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One resource to describe.</summary>
    public sealed class DescribeConfigsResource : IMessage
    {
        public sbyte ResourceType { get; set; }
        public string ResourceName { get; set; } = "";
        /// <summary>The keys to describe, or null for all of them.</summary>
        public List<string>? ConfigurationKeys { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            ResourceType = reader.ReadInt8();
            ResourceName = reader.ReadString();
            ConfigurationKeys = reader.ReadNullableArray(static (ref ProtocolReader r) => r.ReadString());
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt8(ResourceType);
            writer.WriteString(ResourceName);
            writer.WriteArray(ConfigurationKeys, static (w, k) => w.WriteString(k));
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>DescribeConfigs response: per resource, an error or the list of configs.</summary>
public sealed class DescribeConfigsResponse : IMessage
{
    /// <summary><see cref="DescribeConfigsResourceResult.ConfigSource"/> and synonym source values.</summary>
    public const sbyte SourceUnknown = 0, SourceTopicConfig = 1, SourceDynamicBrokerConfig = 2, SourceDynamicDefaultBrokerConfig = 3,
        SourceStaticBrokerConfig = 4, SourceDefaultConfig = 5, SourceDynamicBrokerLoggerConfig = 6, SourceClientMetricsConfig = 7,
        SourceGroupConfig = 8;

    /// <summary><see cref="DescribeConfigsResourceResult.ConfigType"/> values (v3+).</summary>
    public const sbyte TypeUnknown = 0, TypeBoolean = 1, TypeString = 2, TypeInt = 3, TypeShort = 4, TypeLong = 5, TypeDouble = 6,
        TypeList = 7, TypeClass = 8, TypePassword = 9;

    public int ThrottleTimeMs { get; set; }
    public List<DescribeConfigsResult> Results { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        Results = VersionedCodec.Read<DescribeConfigsResult>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Results, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The outcome for one resource.</summary>
    public sealed class DescribeConfigsResult : IMessage
    {
        public short ErrorCode { get; set; }
        public string? ErrorMessage { get; set; }
        public sbyte ResourceType { get; set; }
        public string ResourceName { get; set; } = "";
        public List<DescribeConfigsResourceResult> Configs { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            ErrorCode = reader.ReadInt16();
            ErrorMessage = reader.ReadNullableString();
            ResourceType = reader.ReadInt8();
            ResourceName = reader.ReadString();
            Configs = VersionedCodec.Read<DescribeConfigsResourceResult>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt16(ErrorCode);
            writer.WriteNullableString(ErrorMessage);
            writer.WriteInt8(ResourceType);
            writer.WriteString(ResourceName);
            VersionedCodec.Write(writer, Configs, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>
    /// One config entry. Held in the v1+ shape with <see cref="ConfigSource"/>: writing v0 sends IsDefault as
    /// "source is <see cref="SourceDefaultConfig"/>"; reading v0 sets the source to DEFAULT_CONFIG for defaults and -1
    /// otherwise, because the real source of a non-default v0 entry depends on the resource type (the caller knows it).
    /// </summary>
    public sealed class DescribeConfigsResourceResult : IMessage
    {
        public string Name { get; set; } = "";
        /// <summary>Null for sensitive configs and for configs without a value.</summary>
        public string? Value { get; set; }
        public bool ReadOnly { get; set; }
        /// <summary>Where the value comes from (v1+): one of the Source* constants, -1 when unknown.</summary>
        public sbyte ConfigSource { get; set; } = -1;
        public bool IsSensitive { get; set; }
        /// <summary>Other definitions of this config, highest precedence first (v1+, only when IncludeSynonyms).</summary>
        public List<DescribeConfigsSynonym> Synonyms { get; set; } = [];
        /// <summary>The config's data type (v3+): one of the Type* constants.</summary>
        public sbyte ConfigType { get; set; }
        /// <summary>The config's documentation (v3+, only when IncludeDocumentation), or null.</summary>
        public string? Documentation { get; set; }

        /// <summary>True when the value is the built-in default: the meaning of v0's IsDefault flag.</summary>
        public bool IsDefault => ConfigSource == SourceDefaultConfig;

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Value = reader.ReadNullableString();
            ReadOnly = reader.ReadBool();
            if (version == 0) ConfigSource = reader.ReadBool() ? SourceDefaultConfig : (sbyte)-1;
            else ConfigSource = reader.ReadInt8();
            IsSensitive = reader.ReadBool();
            if (version >= 1) Synonyms = VersionedCodec.Read<DescribeConfigsSynonym>(ref reader, version);
            if (version >= 3)
            {
                ConfigType = reader.ReadInt8();
                Documentation = reader.ReadNullableString();
            }
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteNullableString(Value);
            writer.WriteBool(ReadOnly);
            if (version == 0) writer.WriteBool(IsDefault);
            else writer.WriteInt8(ConfigSource);
            writer.WriteBool(IsSensitive);
            if (version >= 1) VersionedCodec.Write(writer, Synonyms, version);
            if (version >= 3)
            {
                writer.WriteInt8(ConfigType);
                writer.WriteNullableString(Documentation);
            }
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One synonym of a config: the same setting defined at another level (v1+).</summary>
    public sealed class DescribeConfigsSynonym : IMessage
    {
        public string Name { get; set; } = "";
        public string? Value { get; set; }
        /// <summary>One of the Source* constants.</summary>
        public sbyte Source { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Value = reader.ReadNullableString();
            Source = reader.ReadInt8();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteNullableString(Value);
            writer.WriteInt8(Source);
            writer.WriteEmptyTaggedFields();
        }
    }
}
