using Brook.Common.Config;
using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>
/// Registers a broker (or replaces its registration) with the listeners it advertises and its rack. The record's offset
/// becomes the broker epoch, unless the record names it (<see cref="BrokerEpoch"/>, as a snapshot's records do).
/// </summary>
/// <remarks>
/// v1 adds <see cref="Fenced"/>: as in Kafka's KRaft controller, a broker registers fenced and is unfenced by its first
/// heartbeat that shows it has replayed the metadata up to its registration. v0 records (written before brokers were
/// fenced) replay as unfenced, so an existing data directory starts as it did. v2 adds <see cref="BrokerEpoch"/> and
/// <see cref="InControlledShutdown"/> (Kafka's record has both): a snapshot rebuilds a registration away from the offset
/// that created it, so it must carry the epoch and the whole status itself.
/// </remarks>
public sealed record RegisterBrokerRecord(int BrokerId, IReadOnlyList<BrokerEndpoint> Endpoints, string? Rack, bool Fenced = false,
    long BrokerEpoch = -1, bool InControlledShutdown = false) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.RegisterBroker;

    public override short Version => 2;

    /// <summary>The status this record registers the broker with.</summary>
    public BrokerStatus Status => InControlledShutdown ? BrokerStatus.ControlledShutdown : Fenced ? BrokerStatus.Fenced : BrokerStatus.Unfenced;

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
        writer.WriteInt64(BrokerEpoch);
        writer.WriteBool(InControlledShutdown);
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
        var epoch = version >= 2 ? reader.ReadInt64() : -1;
        var inControlledShutdown = version >= 2 && reader.ReadBool();
        return new RegisterBrokerRecord(brokerId, endpoints, rack, fenced, epoch, inControlledShutdown);
    }
}
