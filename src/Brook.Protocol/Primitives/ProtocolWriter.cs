using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Protocol;

/// <summary>
/// Writes Kafka wire primitives into a buffer. <see cref="Flexible"/> selects compact strings, arrays and bytes, so a
/// message codec writes the same way in every version. Writes go straight into the buffer; nothing is staged per field.
/// </summary>
public sealed class ProtocolWriter(IBufferWriter<byte> output, bool flexible = false)
{
    private readonly IBufferWriter<byte> _out = output;

    public bool Flexible { get; set; } = flexible;
    public IBufferWriter<byte> Output => _out;

    public void WriteInt8(sbyte v) { _out.GetSpan(1)[0] = (byte)v; _out.Advance(1); }
    public void WriteBool(bool v) { _out.GetSpan(1)[0] = v ? (byte)1 : (byte)0; _out.Advance(1); }
    public void WriteInt16(short v) { BinaryPrimitives.WriteInt16BigEndian(_out.GetSpan(2), v); _out.Advance(2); }
    public void WriteUInt16(ushort v) { BinaryPrimitives.WriteUInt16BigEndian(_out.GetSpan(2), v); _out.Advance(2); }
    public void WriteInt32(int v) { BinaryPrimitives.WriteInt32BigEndian(_out.GetSpan(4), v); _out.Advance(4); }
    public void WriteUInt32(uint v) { BinaryPrimitives.WriteUInt32BigEndian(_out.GetSpan(4), v); _out.Advance(4); }
    public void WriteInt64(long v) { BinaryPrimitives.WriteInt64BigEndian(_out.GetSpan(8), v); _out.Advance(8); }
    public void WriteFloat64(double v) { BinaryPrimitives.WriteDoubleBigEndian(_out.GetSpan(8), v); _out.Advance(8); }
    public void WriteUuid(Uuid v) { v.WriteTo(_out.GetSpan(16)); _out.Advance(16); }

    public void WriteUnsignedVarInt(uint v)
    {
        var span = _out.GetSpan(5);
        var i = 0;
        while (v >= 0x80) { span[i++] = (byte)(v | 0x80); v >>= 7; }
        span[i++] = (byte)v;
        _out.Advance(i);
    }

    public void WriteUnsignedVarLong(ulong v)
    {
        var span = _out.GetSpan(10);
        var i = 0;
        while (v >= 0x80) { span[i++] = (byte)(v | 0x80); v >>= 7; }
        span[i++] = (byte)v;
        _out.Advance(i);
    }

    public void WriteVarInt(int v) => WriteUnsignedVarInt((uint)((v << 1) ^ (v >> 31)));
    public void WriteVarLong(long v) => WriteUnsignedVarLong((ulong)((v << 1) ^ (v >> 63)));

    private void WriteLength(int length, bool int16Length)
    {
        if (Flexible) WriteUnsignedVarInt((uint)(length + 1));
        else if (int16Length) WriteInt16((short)length);
        else WriteInt32(length);
    }

    public void WriteString(string value) => WriteNullableString(value);

    public void WriteNullableString(string? value)
    {
        if (value is null) { WriteLength(-1, int16Length: true); return; }
        var len = Encoding.UTF8.GetByteCount(value);
        if (!Flexible && len > short.MaxValue) throw new ArgumentException("string longer than 32767 bytes");
        WriteLength(len, int16Length: true);
        Encoding.UTF8.GetBytes(value, _out.GetSpan(len));
        _out.Advance(len);
    }

    /// <summary>Int16-length string whatever <see cref="Flexible"/> says (client id in request header v2).</summary>
    public void WriteClassicNullableString(string? value)
    {
        var saved = Flexible;
        Flexible = false;
        WriteNullableString(value);
        Flexible = saved;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteLength(value.Length, int16Length: false);
        WriteRaw(value);
    }

    public void WriteNullableBytes(ReadOnlyMemory<byte>? value)
    {
        if (value is null) { WriteLength(-1, int16Length: false); return; }
        WriteBytes(value.Value.Span);
    }

    /// <summary>A record set as nullable bytes; the set copies itself straight into the output (a file region reads into it).</summary>
    public void WriteRecords(RecordSet? records)
    {
        if (records is null) { WriteLength(-1, int16Length: false); return; }
        var size = records.SizeInBytes;
        WriteLength(size, int16Length: false);
        if (size == 0) return;
        records.CopyTo(_out.GetSpan(size)[..size]);
        _out.Advance(size);
    }

    public void WriteArrayLength(int count) => WriteLength(count, int16Length: false);

    public void WriteArray<T>(IReadOnlyList<T>? items, Action<ProtocolWriter, T> write)
    {
        if (items is null) { WriteArrayLength(-1); return; }
        WriteArrayLength(items.Count);
        for (var i = 0; i < items.Count; i++) write(this, items[i]);
    }

    /// <summary>An empty tagged-field section; nothing at all in non-flexible versions.</summary>
    public void WriteEmptyTaggedFields()
    {
        if (Flexible) WriteUnsignedVarInt(0);
    }

    /// <summary>
    /// Writes one tagged field (tag, size, body). The body is encoded into a scratch buffer first because its size
    /// precedes it; tagged fields are rare and small, so this is not on a hot path.
    /// </summary>
    public void WriteTaggedField(uint tag, Action<ProtocolWriter> body)
    {
        using var scratch = new PooledBufferWriter(64);
        body(new ProtocolWriter(scratch, flexible: true));
        WriteUnsignedVarInt(tag);
        WriteUnsignedVarInt((uint)scratch.WrittenCount);
        WriteRaw(scratch.WrittenSpan);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        bytes.CopyTo(_out.GetSpan(bytes.Length));
        _out.Advance(bytes.Length);
    }
}
