namespace Brook.Protocol.Records;

/// <summary>
/// Walks the headers of one record. The bytes were checked when the record was read, so this only slices them;
/// it stops early rather than throw should it ever be handed bytes that were not checked.
/// </summary>
public ref struct RecordHeaderEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _count;
    private int _index;
    private int _position;

    public RecordHeaderEnumerator(ReadOnlySpan<byte> rawHeaders, int count)
    {
        _data = rawHeaders;
        _count = count;
        _index = 0;
        _position = 0;
        Current = default;
    }

    public RecordHeaderView Current { get; private set; }

    public readonly RecordHeaderEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_index >= _count) return false;
        var pos = _position;
        if (!Varint.TryReadVarInt(_data, ref pos, out var keyLength) || keyLength < 0 || keyLength > _data.Length - pos) return false;
        var key = _data.Slice(pos, keyLength);
        pos += keyLength;
        if (!Varint.TryReadVarInt(_data, ref pos, out var valueLength) || valueLength < -1 || valueLength > _data.Length - pos) return false;
        var value = valueLength < 0 ? default : _data.Slice(pos, valueLength);
        pos += Math.Max(valueLength, 0);
        Current = new RecordHeaderView(key, value, valueLength < 0);
        _position = pos;
        _index++;
        return true;
    }
}
