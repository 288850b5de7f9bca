using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>
/// Hands a block of producer ids to a broker: every id below <see cref="NextProducerId"/> is taken. Persisting the
/// upper bound (not each id) is what keeps ids unique across restarts without a write per InitProducerId.
/// </summary>
public sealed record ProducerIdsRecord(int BrokerId, long NextProducerId) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.ProducerIds;

    internal override void WriteFields(ProtocolWriter writer)
    {
        writer.WriteInt32(BrokerId);
        writer.WriteInt64(NextProducerId);
    }

    internal static ProducerIdsRecord ReadFields(ref ProtocolReader reader, short version) => new(reader.ReadInt32(), reader.ReadInt64());
}
