namespace Brook.Protocol;

/// <summary>Response header v0 (correlation id) and v1 (plus an empty tagged-field section).</summary>
public static class ResponseHeader
{
    public static void Write(ProtocolWriter writer, int correlationId, short headerVersion)
    {
        writer.WriteInt32(correlationId);
        if (headerVersion >= 1) writer.WriteUnsignedVarInt(0);
    }

    public static int Read(ref ProtocolReader reader, short headerVersion)
    {
        var id = reader.ReadInt32();
        if (headerVersion >= 1)
        {
            var saved = reader.Flexible;
            reader.Flexible = true;
            reader.SkipTaggedFields();
            reader.Flexible = saved;
        }
        return id;
    }
}
