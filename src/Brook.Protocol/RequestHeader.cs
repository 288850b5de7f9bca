namespace Brook.Protocol;

/// <summary>Request header v1/v2: key, version, correlation id, client id (classic string even in v2), tagged fields in v2.</summary>
public sealed class RequestHeader
{
    public ApiKey ApiKey { get; set; }
    public short ApiVersion { get; set; }
    public int CorrelationId { get; set; }
    public string? ClientId { get; set; }

    /// <summary>Reads key, version and correlation id: enough to answer even a request we cannot parse further.</summary>
    public static RequestHeader ReadPrefix(ref ProtocolReader reader) => new()
    {
        ApiKey = (ApiKey)reader.ReadInt16(),
        ApiVersion = reader.ReadInt16(),
        CorrelationId = reader.ReadInt32(),
    };

    /// <summary>Reads the rest of the header after <see cref="ReadPrefix"/> for the given header version.</summary>
    public void ReadRest(ref ProtocolReader reader, short headerVersion)
    {
        if (headerVersion >= 1) ClientId = reader.ReadClassicNullableString();
        if (headerVersion >= 2)
        {
            reader.Flexible = true;
            reader.SkipTaggedFields();
        }
    }

    public void Write(ProtocolWriter writer, short headerVersion)
    {
        writer.WriteInt16((short)ApiKey);
        writer.WriteInt16(ApiVersion);
        writer.WriteInt32(CorrelationId);
        if (headerVersion >= 1) writer.WriteClassicNullableString(ClientId);
        if (headerVersion >= 2) writer.WriteUnsignedVarInt(0);
    }
}
