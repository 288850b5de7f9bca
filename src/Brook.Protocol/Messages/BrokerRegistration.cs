using Brook.Common;

namespace Brook.Protocol.Messages;

// BrokerRegistration (key 62, KIP-631), versions 0-4, flexible in every version. A starting broker registers with the
// active controller (its id, the incarnation id of this process, listeners, supported features, rack); the controller
// answers with a new broker epoch, which the broker then sends in every heartbeat.
// v1 adds IsMigratingZkBroker (KIP-866, ZooKeeper migration; always false in Kafka 4.x); v2 adds the broker's online
// LogDirs (KIP-858, JBOD); v3 adds PreviousBrokerEpoch, the epoch before a clean shutdown, so the controller can
// tell a clean restart from an unclean one (KIP-966); v4 changes no field: it lets a feature's MinSupportedVersion be 0
// (KAFKA-17011 / KAFKA-17492). Older controllers reject a minimum of 0, so, like Kafka's request builder, the codec
// leaves such features out when writing v0-3.

/// <summary>BrokerRegistration request: a broker announcing itself to the controller quorum.</summary>
public sealed class BrokerRegistrationRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.BrokerRegistration, 0, 4, 0);

    public int BrokerId { get; set; }
    /// <summary>The cluster id the broker's storage was formatted with.</summary>
    public string ClusterId { get; set; } = "";
    /// <summary>Random per process start; lets the controller tell a restart from a duplicate registration.</summary>
    public Uuid IncarnationId { get; set; }
    public List<RegistrationListener> Listeners { get; set; } = [];
    /// <summary>Supported feature ranges; features with a minimum of 0 are not sent below v4.</summary>
    public List<RegistrationFeature> Features { get; set; } = [];
    public string? Rack { get; set; }
    /// <summary>v1+: the broker is a ZooKeeper broker being migrated (KIP-866).</summary>
    public bool IsMigratingZkBroker { get; set; }
    /// <summary>v2+: ids of the broker's online log directories (KIP-858).</summary>
    public List<Uuid> LogDirs { get; set; } = [];
    /// <summary>v3+: the broker epoch before a clean shutdown, or -1 (KIP-966).</summary>
    public long PreviousBrokerEpoch { get; set; } = -1;

    public void Read(ref ProtocolReader reader, short version)
    {
        BrokerId = reader.ReadInt32();
        ClusterId = reader.ReadString();
        IncarnationId = reader.ReadUuid();
        Listeners = VersionedCodec.Read<RegistrationListener>(ref reader, version);
        Features = VersionedCodec.Read<RegistrationFeature>(ref reader, version);
        Rack = reader.ReadNullableString();
        if (version >= 1) IsMigratingZkBroker = reader.ReadBool();
        if (version >= 2) LogDirs = reader.ReadArray(static (ref ProtocolReader r) => r.ReadUuid());
        if (version >= 3) PreviousBrokerEpoch = reader.ReadInt64();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(BrokerId);
        writer.WriteString(ClusterId);
        writer.WriteUuid(IncarnationId);
        VersionedCodec.Write(writer, Listeners, version);
        if (version >= 4)
        {
            VersionedCodec.Write(writer, Features, version);
        }
        else
        {
            var sent = 0;
            foreach (var feature in Features) if (feature.MinSupportedVersion != 0) sent++;
            writer.WriteArrayLength(sent);
            foreach (var feature in Features) if (feature.MinSupportedVersion != 0) feature.Write(writer, version);
        }
        writer.WriteNullableString(Rack);
        if (version >= 1) writer.WriteBool(IsMigratingZkBroker);
        if (version >= 2) writer.WriteArray(LogDirs, static (w, id) => w.WriteUuid(id));
        if (version >= 3) writer.WriteInt64(PreviousBrokerEpoch);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>BrokerRegistration response: the broker epoch assigned to this registration.</summary>
public sealed class BrokerRegistrationResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    /// <summary>The broker's new epoch, or -1 if none was assigned.</summary>
    public long BrokerEpoch { get; set; } = -1;

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        BrokerEpoch = reader.ReadInt64();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteInt64(BrokerEpoch);
        writer.WriteEmptyTaggedFields();
    }
}
