using Brook.Common.Config;
using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>Registers a broker (or replaces its registration) with the listeners it advertises and its rack.</summary>
public sealed record RegisterBrokerRecord(int BrokerId, IReadOnlyList<BrokerEndpoint> Endpoints, string? Rack) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.RegisterBroker;

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
        return new RegisterBrokerRecord(brokerId, endpoints, rack);
    }
}
