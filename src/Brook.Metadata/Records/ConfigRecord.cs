using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>
/// Sets one configuration key of a topic or a broker, or deletes it when <see cref="Value"/> is null (the key then falls
/// back to its default). Topic configs are named by topic name, as in Kafka; broker configs by the broker id as text,
/// with the empty name meaning the cluster-wide default.
/// </summary>
public sealed record ConfigRecord(ConfigResourceType ResourceType, string ResourceName, string Key, string? Value) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.Config;

    internal override void WriteFields(ProtocolWriter writer)
    {
        writer.WriteInt8((sbyte)ResourceType);
        writer.WriteString(ResourceName);
        writer.WriteString(Key);
        writer.WriteNullableString(Value);
    }

    internal static ConfigRecord ReadFields(ref ProtocolReader reader, short version) =>
        new((ConfigResourceType)reader.ReadInt8(), reader.ReadString(), reader.ReadString(), reader.ReadNullableString());
}
