using Brook.Common.Config;
using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>
/// Registers a broker (or replaces its registration) with the listeners it advertises and its rack. The record's offset
/// becomes the broker epoch.
/// </summary>
/// <remarks>
/// v1 adds <see cref="Fenced"/>: as in Kafka's KRaft controller, a broker registers fenced and is unfenced by its first
/// heartbeat that shows it has replayed the metadata up to its registration. v0 records (written before brokers were
/// fenced) replay as unfenced, so an existing data directory starts as it did.
/// </remarks>
public sealed record RegisterBrokerRecord(int BrokerId, IReadOnlyList<BrokerEndpoint> Endpoints, string? Rack, bool Fenced = false) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.RegisterBroker;

    public override short Version => 1;

    internal override void WriteFields(ProtocolWriter writer)
    {
        writer.WriteInt32(BrokerId);
        writer.WriteArray(Endpoints, static (w, e) =>
        {
            w.WriteString(e.ListenerName);
            w.WriteString(e.Host);
            w.WriteInt32(e.Port);
            w.WriteInt16((short)e.SecurityProtocol);
            w.WriteEmptyTaggedFields();
        });
        writer.WriteNullableString(Rack);
        writer.WriteBool(Fenced);
    }

    internal static RegisterBrokerRecord ReadFields(ref ProtocolReader reader, short version)
    {
        var brokerId = reader.ReadInt32();
        var endpoints = reader.ReadArray(static (ref ProtocolReader r) =>
        {
            var e = new BrokerEndpoint(r.ReadString(), r.ReadString(), r.ReadInt32(), (SecurityProtocol)r.ReadInt16());
            r.SkipTaggedFields();
            return e;
        });
        var rack = reader.ReadNullableString();
        var fenced = version >= 1 && reader.ReadBool();
        return new RegisterBrokerRecord(brokerId, endpoints, rack, fenced);
    }
}
