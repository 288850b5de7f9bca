using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>
/// Removes a broker's registration of epoch <see cref="BrokerEpoch"/> (UnregisterBroker, KIP-631: a decommissioned
/// broker). Partitions keep it in their replica lists — it is an offline replica until reassigned — but the same write
/// has already moved its leaderships and ISR memberships away. A broker that is still running registers again.
/// </summary>
public sealed record UnregisterBrokerRecord(int BrokerId, long BrokerEpoch) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.UnregisterBroker;

    internal override void WriteFields(ProtocolWriter writer)
    {
        writer.WriteInt32(BrokerId);
        writer.WriteInt64(BrokerEpoch);
    }

    internal static UnregisterBrokerRecord ReadFields(ref ProtocolReader reader, short version) => new(reader.ReadInt32(), reader.ReadInt64());
}
