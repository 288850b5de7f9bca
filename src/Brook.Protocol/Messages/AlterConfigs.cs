namespace Brook.Protocol.Messages;

// AlterConfigs (key 33), versions 0-2, flexible from 2 (KIP-482). v1 only changes throttling behaviour.
// Replaces the whole set of dynamic configs of each resource: keys not listed are reset to their defaults. Clients use
// IncrementalAlterConfigs (key 44) instead where the broker supports it.

/// <summary>AlterConfigs request: the complete new set of config overrides for each resource.</summary>
public sealed class AlterConfigsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.AlterConfigs, 0, 2, 2);

    public List<AlterConfigsResource> Resources { get; set; } = [];
    /// <summary>Validate the change without applying it.</summary>
    public bool ValidateOnly { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        Resources = VersionedCodec.Read<AlterConfigsResource>(ref reader, version);
        ValidateOnly = reader.ReadBool();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        VersionedCodec.Write(writer, Resources, version);
        writer.WriteBool(ValidateOnly);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One resource and its new configs; <see cref="ResourceType"/> uses DescribeConfigsRequest.ResourceType* values.</summary>
    public sealed class AlterConfigsResource : IMessage
    {
        public sbyte ResourceType { get; set; }
        public string ResourceName { get; set; } = "";
        public List<AlterableConfig> Configs { get; set; } = [];

        public void Read(ref ProtocolReader reader, short version)
        {
            ResourceType = reader.ReadInt8();
            ResourceName = reader.ReadString();
            Configs = VersionedCodec.Read<AlterableConfig>(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt8(ResourceType);
            writer.WriteString(ResourceName);
            VersionedCodec.Write(writer, Configs, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>One config key and its new value.</summary>
    public sealed class AlterableConfig : IMessage
    {
        public string Name { get; set; } = "";
        public string? Value { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            Value = reader.ReadNullableString();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteNullableString(Value);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>AlterConfigs response: one result per resource.</summary>
public sealed class AlterConfigsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<AlterConfigsResourceResponse> Responses { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        Responses = VersionedCodec.Read<AlterConfigsResourceResponse>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        VersionedCodec.Write(writer, Responses, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The outcome for one resource.</summary>
    public sealed class AlterConfigsResourceResponse : IMessage
    {
        public short ErrorCode { get; set; }
        public string? ErrorMessage { get; set; }
        public sbyte ResourceType { get; set; }
        public string ResourceName { get; set; } = "";

        public void Read(ref ProtocolReader reader, short version)
        {
            ErrorCode = reader.ReadInt16();
            ErrorMessage = reader.ReadNullableString();
            ResourceType = reader.ReadInt8();
            ResourceName = reader.ReadString();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt16(ErrorCode);
            writer.WriteNullableString(ErrorMessage);
            writer.WriteInt8(ResourceType);
            writer.WriteString(ResourceName);
            writer.WriteEmptyTaggedFields();
        }
    }
}
