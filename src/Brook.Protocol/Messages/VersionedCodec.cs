namespace Brook.Protocol.Messages;

/// <summary>
/// Helpers for message codecs: arrays of nested structures whose layout depends on the API version, and tagged-field
/// iteration. Loops are written out (instead of ReadArray/WriteArray/ReadTaggedFields with a lambda) so that reading a
/// partition entry allocates no closure just to carry the version or the object being filled.
/// </summary>
internal static class VersionedCodec
{
    public static List<T> Read<T>(ref ProtocolReader reader, short version) where T : IMessage, new()
    {
        var n = reader.ReadArrayLength();
        var list = new List<T>(Math.Max(n, 0));
        for (var i = 0; i < n; i++)
        {
            var item = new T();
            item.Read(ref reader, version);
            list.Add(item);
        }
        return list;
    }

    public static List<T>? ReadNullable<T>(ref ProtocolReader reader, short version) where T : IMessage, new()
    {
        var n = reader.ReadArrayLength();
        if (n < 0) return null;
        var list = new List<T>(n);
        for (var i = 0; i < n; i++)
        {
            var item = new T();
            item.Read(ref reader, version);
            list.Add(item);
        }
        return list;
    }

    /// <summary>Writes the array; a null list is written as a null array (only valid where the schema allows it).</summary>
    public static void Write<T>(ProtocolWriter writer, IReadOnlyList<T>? items, short version) where T : IMessage
    {
        if (items is null) { writer.WriteArrayLength(-1); return; }
        writer.WriteArrayLength(items.Count);
        for (var i = 0; i < items.Count; i++) items[i].Write(writer, version);
    }

    public static List<int> ReadInt32s(ref ProtocolReader reader) =>
        reader.ReadArray(static (ref ProtocolReader r) => r.ReadInt32());

    public static void WriteInt32s(ProtocolWriter writer, IReadOnlyList<int> items)
    {
        writer.WriteArrayLength(items.Count);
        for (var i = 0; i < items.Count; i++) writer.WriteInt32(items[i]);
    }

    public static List<long> ReadInt64s(ref ProtocolReader reader) =>
        reader.ReadArray(static (ref ProtocolReader r) => r.ReadInt64());

    public static void WriteInt64s(ProtocolWriter writer, IReadOnlyList<long> items)
    {
        writer.WriteArrayLength(items.Count);
        for (var i = 0; i < items.Count; i++) writer.WriteInt64(items[i]);
    }

    /// <summary>Number of tagged fields that follow; zero (and nothing read) in non-flexible versions.</summary>
    public static uint ReadTagCount(ref ProtocolReader reader) => reader.Flexible ? reader.ReadUnsignedVarInt() : 0;

    /// <summary>Reads one tagged field's header and returns a reader over exactly its body, so unknown tags skip cleanly.</summary>
    public static ProtocolReader ReadTaggedField(ref ProtocolReader reader, out uint tag)
    {
        tag = reader.ReadUnsignedVarInt();
        var size = checked((int)reader.ReadUnsignedVarInt());
        return new ProtocolReader(reader.ReadRawMemory(size), flexible: true);
    }
}
