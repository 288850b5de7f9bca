using Brook.Common;

namespace Brook.Protocol.Messages;

// ControllerRegistration (key 70, KIP-919), version 0, flexible. Each controller registers its listeners and supported
// features with the active controller (which writes a RegisterControllerRecord), so brokers and admin clients can find
// the controllers (DescribeCluster with EndpointType 2) and feature upgrades can check the controllers' ranges.

/// <summary>ControllerRegistration request: a controller announcing its listeners and features to the active controller.</summary>
public sealed class ControllerRegistrationRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.ControllerRegistration, 0, 0, 0);

    public int ControllerId { get; set; }
    /// <summary>Random per process start.</summary>
    public Uuid IncarnationId { get; set; }
    /// <summary>Set when the ZooKeeper migration configs are present (KIP-866); always false in Kafka 4.x.</summary>
    public bool ZkMigrationReady { get; set; }
    public List<RegistrationListener> Listeners { get; set; } = [];
    public List<RegistrationFeature> Features { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ControllerId = reader.ReadInt32();
        IncarnationId = reader.ReadUuid();
        ZkMigrationReady = reader.ReadBool();
        Listeners = VersionedCodec.Read<RegistrationListener>(ref reader, version);
        Features = VersionedCodec.Read<RegistrationFeature>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ControllerId);
        writer.WriteUuid(IncarnationId);
        writer.WriteBool(ZkMigrationReady);
        VersionedCodec.Write(writer, Listeners, version);
        VersionedCodec.Write(writer, Features, version);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>ControllerRegistration response.</summary>
public sealed class ControllerRegistrationResponse : ErrorMessageResponse;
