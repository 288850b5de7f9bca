using System.Text;

namespace Brook.Protocol.Records;

/// <summary>One record header read in place: a UTF-8 key (never null) and a nullable value.</summary>
public readonly ref struct RecordHeaderView(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool isValueNull)
{
    /// <summary>The key as UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Key { get; } = key;
    /// <summary>The value bytes; empty when <see cref="IsValueNull"/>.</summary>
    public ReadOnlySpan<byte> Value { get; } = value;
    public bool IsValueNull { get; } = isValueNull;

    /// <summary>Decodes the key (allocates a string).</summary>
    public string GetKeyString() => Encoding.UTF8.GetString(Key);
}
