using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>
/// Moves a registered broker to <see cref="Status"/> (fenced, unfenced, controlled shutdown) without re-registering it
/// (Kafka's BrokerRegistrationChangeRecord, KIP-631; this one holds the whole new state rather than a difference).
/// <see cref="BrokerEpoch"/> names the registration it applies to: the controller decides against the image, so a
/// change for another epoch means the log contradicts itself.
/// </summary>
public sealed record BrokerRegistrationChangeRecord(int BrokerId, long BrokerEpoch, BrokerStatus Status) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.BrokerRegistrationChange;

    internal override void WriteFields(ProtocolWriter writer)
    {
        writer.WriteInt32(BrokerId);
        writer.WriteInt64(BrokerEpoch);
        writer.WriteInt8((sbyte)Status);
    }

    internal static BrokerRegistrationChangeRecord ReadFields(ref ProtocolReader reader, short version)
    {
        var brokerId = reader.ReadInt32();
        var epoch = reader.ReadInt64();
        var status = (BrokerStatus)reader.ReadInt8();
        if (!Enum.IsDefined(status)) throw new InvalidDataException($"unknown broker status {(sbyte)status} for broker {brokerId}");
        return new BrokerRegistrationChangeRecord(brokerId, epoch, status);
    }
}
