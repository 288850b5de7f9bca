namespace Brook.Protocol.Messages;

// IncrementalAlterConfigs (key 44), versions 0-1, flexible from 1 (KIP-482). Introduced by KIP-339: unlike
// AlterConfigs, each entry is an operation on one key (set, delete, append to or subtract from a list), and keys not
// mentioned keep their values.

/// <summary>IncrementalAlterConfigs request: per resource, a list of operations on individual config keys.</summary>
public sealed class IncrementalAlterConfigsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.IncrementalAlterConfigs, 0, 1, 1);

    /// <summary><see cref="AlterableConfig.ConfigOperation"/> values.</summary>
    public const sbyte OperationSet = 0, OperationDelete = 1, OperationAppend = 2, OperationSubtract = 3;

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

    /// <summary>One resource and the operations on it; <see cref="ResourceType"/> uses DescribeConfigsRequest.ResourceType* values.</summary>
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

    /// <summary>One operation on one config key; <see cref="Value"/> is ignored by Delete.</summary>
    public sealed class AlterableConfig : IMessage
    {
        public string Name { get; set; } = "";
        /// <summary>One of the Operation* constants.</summary>
        public sbyte ConfigOperation { get; set; }
        public string? Value { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            Name = reader.ReadString();
            ConfigOperation = reader.ReadInt8();
            Value = reader.ReadNullableString();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteInt8(ConfigOperation);
            writer.WriteNullableString(Value);
            writer.WriteEmptyTaggedFields();
        }
    }
}

/// <summary>IncrementalAlterConfigs response: one result per resource.</summary>
public sealed class IncrementalAlterConfigsResponse : IMessage
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
