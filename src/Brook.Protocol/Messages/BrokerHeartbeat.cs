using Brook.Common;

namespace Brook.Protocol.Messages;

// BrokerHeartbeat (key 63, KIP-631), versions 0-1, flexible in every version. A registered broker heartbeats the
// active controller with its broker epoch and how far it has replayed the metadata log; the controller answers whether
// the broker has caught up, whether it is fenced (a fenced broker leads no partitions) and whether a controlled
// shutdown may proceed. Missing heartbeats for broker.session.timeout.ms fence the broker.
// v1 adds the tagged OfflineLogDirs (KIP-858, JBOD).

/// <summary>BrokerHeartbeat request: a broker's liveness, metadata progress and fencing/shutdown wishes.</summary>
public sealed class BrokerHeartbeatRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.BrokerHeartbeat, 0, 1, 0);

    public int BrokerId { get; set; }
    /// <summary>The epoch the broker's registration got, or -1.</summary>
    public long BrokerEpoch { get; set; } = -1;
    /// <summary>The highest metadata log offset the broker has replayed.</summary>
    public long CurrentMetadataOffset { get; set; }
    public bool WantFence { get; set; }
    public bool WantShutDown { get; set; }
    /// <summary>Tagged (tag 0, v1+): log directories that failed (KIP-858); empty is not sent.</summary>
    public List<Uuid> OfflineLogDirs { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        BrokerId = reader.ReadInt32();
        BrokerEpoch = reader.ReadInt64();
        CurrentMetadataOffset = reader.ReadInt64();
        WantFence = reader.ReadBool();
        WantShutDown = reader.ReadBool();
        var tags = VersionedCodec.ReadTagCount(ref reader);
        for (var i = 0u; i < tags; i++)
        {
            var field = VersionedCodec.ReadTaggedField(ref reader, out var tag);
            if (tag == 0 && version >= 1) OfflineLogDirs = field.ReadArray(static (ref ProtocolReader r) => r.ReadUuid());
        }
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(BrokerId);
        writer.WriteInt64(BrokerEpoch);
        writer.WriteInt64(CurrentMetadataOffset);
        writer.WriteBool(WantFence);
        writer.WriteBool(WantShutDown);
        if (!writer.Flexible) return;
        var offline = version >= 1 && OfflineLogDirs.Count > 0;
        writer.WriteUnsignedVarInt(offline ? 1u : 0u);
        if (offline) writer.WriteTaggedField(0, w => w.WriteArray(OfflineLogDirs, static (w2, id) => w2.WriteUuid(id)));
    }
}

/// <summary>BrokerHeartbeat response: the controller's view of the broker.</summary>
public sealed class BrokerHeartbeatResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    /// <summary>The broker has approximately caught up with the metadata log.</summary>
    public bool IsCaughtUp { get; set; }
    /// <summary>The broker is fenced; a new registration starts fenced.</summary>
    public bool IsFenced { get; set; } = true;
    /// <summary>The broker may finish its controlled shutdown.</summary>
    public bool ShouldShutDown { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        IsCaughtUp = reader.ReadBool();
        IsFenced = reader.ReadBool();
        ShouldShutDown = reader.ReadBool();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteBool(IsCaughtUp);
        writer.WriteBool(IsFenced);
        writer.WriteBool(ShouldShutDown);
        writer.WriteEmptyTaggedFields();
    }
}
