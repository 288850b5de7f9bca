namespace Brook.Protocol.Messages;

// DescribeCluster (key 60, KIP-700), versions 0-2, flexible in every version.
// v1 adds EndpointType (KIP-919: 1 = brokers, 2 = controllers); v2 adds IncludeFencedBrokers and the per-broker
// IsFenced flag (KIP-1073).

/// <summary>DescribeCluster request: what the admin client wants to know about the cluster.</summary>
public sealed class DescribeClusterRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.DescribeCluster, 0, 2, 0);

    /// <summary>EndpointType value asking for the brokers' endpoints.</summary>
    public const sbyte EndpointTypeBrokers = 1;
    /// <summary>EndpointType value asking for the controllers' endpoints.</summary>
    public const sbyte EndpointTypeControllers = 2;

    public bool IncludeClusterAuthorizedOperations { get; set; }
    public sbyte EndpointType { get; set; } = EndpointTypeBrokers;
    public bool IncludeFencedBrokers { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        IncludeClusterAuthorizedOperations = reader.ReadBool();
        if (version >= 1) EndpointType = reader.ReadInt8();
        if (version >= 2) IncludeFencedBrokers = reader.ReadBool();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteBool(IncludeClusterAuthorizedOperations);
        if (version >= 1) writer.WriteInt8(EndpointType);
        if (version >= 2) writer.WriteBool(IncludeFencedBrokers);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>DescribeCluster response: cluster id, controller and the brokers (or controllers) of the cluster.</summary>
public sealed class DescribeClusterResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public sbyte EndpointType { get; set; } = DescribeClusterRequest.EndpointTypeBrokers;
    public string ClusterId { get; set; } = "";
    public int ControllerId { get; set; } = -1;
    public List<DescribeClusterBroker> Brokers { get; set; } = [];
    public int ClusterAuthorizedOperations { get; set; } = int.MinValue;

    /// <summary>One broker (or controller) endpoint.</summary>
    public sealed class DescribeClusterBroker
    {
        public int BrokerId { get; set; }
        public string Host { get; set; } = "";
        public int Port { get; set; }
        public string? Rack { get; set; }
        /// <summary>v2+: the broker is registered but fenced (listed only when the request asked for fenced brokers).</summary>
        public bool IsFenced { get; set; }

        internal void Read(ref ProtocolReader reader, short version)
        {
            BrokerId = reader.ReadInt32();
            Host = reader.ReadString();
            Port = reader.ReadInt32();
            Rack = reader.ReadNullableString();
            if (version >= 2) IsFenced = reader.ReadBool();
            reader.SkipTaggedFields();
        }

        internal void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(BrokerId);
            writer.WriteString(Host);
            writer.WriteInt32(Port);
            writer.WriteNullableString(Rack);
            if (version >= 2) writer.WriteBool(IsFenced);
            writer.WriteEmptyTaggedFields();
        }
    }

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        ErrorMessage = reader.ReadNullableString();
        if (version >= 1) EndpointType = reader.ReadInt8();
        ClusterId = reader.ReadString();
        ControllerId = reader.ReadInt32();
        var count = reader.ReadArrayLength();
        Brokers = new List<DescribeClusterBroker>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            var broker = new DescribeClusterBroker();
            broker.Read(ref reader, version);
            Brokers.Add(broker);
        }
        ClusterAuthorizedOperations = reader.ReadInt32();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteNullableString(ErrorMessage);
        if (version >= 1) writer.WriteInt8(EndpointType);
        writer.WriteString(ClusterId);
        writer.WriteInt32(ControllerId);
        writer.WriteArrayLength(Brokers.Count);
        foreach (var broker in Brokers) broker.Write(writer, version);
        writer.WriteInt32(ClusterAuthorizedOperations);
        writer.WriteEmptyTaggedFields();
    }
}
