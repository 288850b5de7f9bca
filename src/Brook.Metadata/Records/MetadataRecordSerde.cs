using Brook.Common;
using Brook.Common.Config;
using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>
/// Encodes metadata records as <c>type:int16, version:int16, fields..., tagged fields</c>, with the fields in Kafka's
/// flexible (compact) encoding. Tagged fields let a later version add optional data that older readers skip.
/// </summary>
public static class MetadataRecordSerde
{
    /// <summary>Writes one record; <paramref name="writer"/> must be in flexible mode.</summary>
    public static void Write(ProtocolWriter writer, MetadataRecord record)
    {
        if (!writer.Flexible) throw new ArgumentException("metadata records are written in flexible mode", nameof(writer));
        writer.WriteInt16((short)record.Type);
        writer.WriteInt16(record.Version);
        record.WriteFields(writer);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One record as the bytes of a metadata log record value.</summary>
    public static byte[] Serialize(MetadataRecord record)
    {
        using var buffer = new PooledBufferWriter(128);
        Write(new ProtocolWriter(buffer) { Flexible = true }, record);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The record a metadata log record value holds; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static MetadataRecord Deserialize(ReadOnlyMemory<byte> value)
    {
        var reader = new ProtocolReader(value, flexible: true);
        var record = Read(ref reader);
        if (reader.Remaining != 0) throw new InvalidDataException($"{reader.Remaining} bytes after a {record.Type} record");
        return record;
    }

    /// <summary>Reads one record; throws <see cref="InvalidDataException"/> for an unknown type or a newer version.</summary>
    public static MetadataRecord Read(ref ProtocolReader reader)
    {
        if (!reader.Flexible) throw new ArgumentException("metadata records are read in flexible mode", nameof(reader));
        var type = (MetadataRecordType)reader.ReadInt16();
        var version = reader.ReadInt16();
        MetadataRecord record = type switch
        {
            MetadataRecordType.ClusterId => ClusterIdRecord.ReadFields(ref reader, CheckVersion(type, version, 0)),
            MetadataRecordType.RegisterBroker => RegisterBrokerRecord.ReadFields(ref reader, CheckVersion(type, version, 2)),
            MetadataRecordType.Topic => TopicRecord.ReadFields(ref reader, CheckVersion(type, version, 0)),
            MetadataRecordType.Partition => PartitionRecord.ReadFields(ref reader, CheckVersion(type, version, 3)),
            MetadataRecordType.Config => ConfigRecord.ReadFields(ref reader, CheckVersion(type, version, 0)),
            MetadataRecordType.RemoveTopic => RemoveTopicRecord.ReadFields(ref reader, CheckVersion(type, version, 0)),
            MetadataRecordType.ProducerIds => ProducerIdsRecord.ReadFields(ref reader, CheckVersion(type, version, 0)),
            MetadataRecordType.BrokerRegistrationChange => BrokerRegistrationChangeRecord.ReadFields(ref reader, CheckVersion(type, version, 0)),
            MetadataRecordType.UnregisterBroker => UnregisterBrokerRecord.ReadFields(ref reader, CheckVersion(type, version, 0)),
            _ => throw new InvalidDataException($"unknown metadata record type {(short)type}"),
        };
        reader.SkipTaggedFields();
        return record;
    }

    // A record newer than this build may carry fields that change its meaning, so replaying it blindly could build a
    // wrong image: refuse instead (a downgrade needs the newer build's log to be rewritten first).
    private static short CheckVersion(MetadataRecordType type, short version, short maxVersion)
    {
        if (version < 0 || version > maxVersion)
            throw new InvalidDataException($"{type} record version {version} is not supported (max {maxVersion})");
        return version;
    }
}
