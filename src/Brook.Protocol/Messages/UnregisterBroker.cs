namespace Brook.Protocol.Messages;

// UnregisterBroker (key 64, KIP-631), version 0, flexible. An admin (kafka-cluster.sh unregister) removes a broker's
// registration for good, e.g. after decommissioning it; sent to any broker, which forwards it to the controller.

/// <summary>UnregisterBroker request: the broker whose registration to remove.</summary>
public sealed class UnregisterBrokerRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.UnregisterBroker, 0, 0, 0);

    public int BrokerId { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        BrokerId = reader.ReadInt32();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(BrokerId);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>UnregisterBroker response.</summary>
public sealed class UnregisterBrokerResponse : ErrorMessageResponse;
