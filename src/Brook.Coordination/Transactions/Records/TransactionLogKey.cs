using Brook.Common;
using Brook.Coordination.Records;
using Brook.Protocol;

namespace Brook.Coordination.Transactions.Records;

/// <summary>
/// The key of a __transaction_state record: an int16 version (only 0 exists) followed by the transactional id as a
/// classic int16-length string. Not flexible, so it carries no tagged fields.
/// </summary>
public static class TransactionLogKey
{
    public const short Version = 0;

    public static byte[] Encode(string transactionalId)
    {
        using var buffer = new PooledBufferWriter(16 + transactionalId.Length * 3);
        var writer = new ProtocolWriter(buffer);
        writer.WriteInt16(Version);
        writer.WriteString(transactionalId);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The transactional id of a key, or null for a key version this coordinator does not know (a newer broker's
    /// record, skipped rather than failing the whole partition load). A truncated key throws CORRUPT_MESSAGE.
    /// </summary>
    public static string? Decode(ReadOnlySpan<byte> key)
    {
        var reader = new SchemaRecordReader(key, what: "__transaction_state record");
        var version = reader.ReadInt16();
        return version == Version ? reader.ReadString() : null;
    }
}
