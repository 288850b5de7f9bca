using Brook.Common;
using Brook.Protocol;

namespace Brook.Coordination.Records;

/// <summary>
/// The value of an OffsetCommitKey: a committed offset. Versions 0-4 as Kafka defines them: leader epoch from v3,
/// the expire timestamp only in v1 (the per-commit retention of OffsetCommit v2-v4, gone since KIP-211), v4 flexible.
/// </summary>
public sealed record OffsetCommitValue(long Offset, int LeaderEpoch, string Metadata, long CommitTimestamp, long ExpireTimestamp = -1)
{
    /// <summary>What Kafka writes when no expire timestamp is given; v1 is only needed to carry one.</summary>
    public const short DefaultVersion = 3;

    public byte[] Encode(short? version = null)
    {
        var v = version ?? (ExpireTimestamp >= 0 ? (short)1 : DefaultVersion);
        if (v is < 0 or > 4) throw new ArgumentOutOfRangeException(nameof(version), v, "OffsetCommitValue versions are 0-4");
        using var buffer = new PooledBufferWriter(64 + Metadata.Length * 3);
        var writer = new ProtocolWriter(buffer, flexible: v >= 4);
        writer.WriteInt16(v);
        writer.WriteInt64(Offset);
        if (v >= 3) writer.WriteInt32(LeaderEpoch);
        writer.WriteString(Metadata);
        writer.WriteInt64(CommitTimestamp);
        if (v == 1) writer.WriteInt64(ExpireTimestamp);
        writer.WriteEmptyTaggedFields();
        return buffer.WrittenSpan.ToArray();
    }

    public static OffsetCommitValue Decode(ReadOnlySpan<byte> value)
    {
        var reader = new SchemaRecordReader(value);
        var version = reader.ReadInt16();
        if (version is < 0 or > 4)
            throw new KafkaException(ErrorCode.CorruptMessage, $"unknown OffsetCommitValue version {version}");
        reader.Flexible = version >= 4;
        var offset = reader.ReadInt64();
        var leaderEpoch = version >= 3 ? reader.ReadInt32() : -1;
        var metadata = reader.ReadString();
        var commitTimestamp = reader.ReadInt64();
        var expireTimestamp = version == 1 ? reader.ReadInt64() : -1;
        reader.SkipTaggedFields();
        return new OffsetCommitValue(offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp);
    }
}
