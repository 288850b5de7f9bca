using System.Buffers;
using System.Buffers.Binary;
using Brook.Common;

namespace Brook.Protocol.Records.Control;

/// <summary>
/// Encoding of the KRaft control records (types 2-6): key = version int16 (0) + type int16, as for transaction markers
/// (<see cref="ControlRecord"/>); value = one <see cref="IControlRecordValue"/>, always in the flexible encoding and
/// in the schema version named by its leading Version field. Kafka puts them in control batches that are not
/// transactional and carry no producer id, epoch or sequence, stamped with the leader's epoch.
/// </summary>
public static class KRaftControlRecords
{
    /// <summary>True for the control types whose value is an <see cref="IControlRecordValue"/>.</summary>
    public static bool IsKRaftType(ControlRecordType type) =>
        type is ControlRecordType.LeaderChange or ControlRecordType.SnapshotHeader or ControlRecordType.SnapshotFooter
            or ControlRecordType.KRaftVersion or ControlRecordType.KRaftVoters;

    /// <summary>Writes a value in the schema version of its own <see cref="IControlRecordValue.Version"/>.</summary>
    public static void WriteValue(IBufferWriter<byte> output, IControlRecordValue value)
    {
        CheckVersion(value.Type, value.Version, value.MaxVersion);
        value.Write(new ProtocolWriter(output, flexible: true), value.Version);
    }

    /// <summary>Encodes a value into a new array (values are a few dozen bytes).</summary>
    public static byte[] EncodeValue(IControlRecordValue value)
    {
        using var buffer = new PooledBufferWriter(64);
        WriteValue(buffer, value);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Decodes the value of a KRaft control record of <paramref name="type"/>. The leading Version picks the layout;
    /// a version this codec does not know is refused rather than guessed at, since newer versions may insert fields.
    /// </summary>
    public static IControlRecordValue DecodeValue(ControlRecordType type, ReadOnlySpan<byte> value) => type switch
    {
        ControlRecordType.LeaderChange => DecodeValue<LeaderChangeMessage>(value),
        ControlRecordType.SnapshotHeader => DecodeValue<SnapshotHeaderRecord>(value),
        ControlRecordType.SnapshotFooter => DecodeValue<SnapshotFooterRecord>(value),
        ControlRecordType.KRaftVersion => DecodeValue<KRaftVersionRecord>(value),
        ControlRecordType.KRaftVoters => DecodeValue<VotersRecord>(value),
        _ => throw new ProtocolException($"control record type {(short)type} has no KRaft value"),
    };

    /// <summary>Decodes a value known to be a <typeparamref name="T"/>; every byte must belong to it.</summary>
    public static T DecodeValue<T>(ReadOnlySpan<byte> value) where T : IControlRecordValue, new()
    {
        var result = new T();
        if (value.Length < 2) throw new ProtocolException($"{result.Type} control record value is {value.Length} bytes");
        var version = BinaryPrimitives.ReadInt16BigEndian(value);
        CheckVersion(result.Type, version, result.MaxVersion);
        // The reader hands out slices of its memory, so it needs an array rather than the record's span.
        var reader = new ProtocolReader(value.ToArray(), flexible: true);
        result.Read(ref reader, version);
        if (!reader.End) throw new ProtocolException($"{result.Type} control record value v{version} has {reader.Remaining} trailing bytes");
        return result;
    }

    /// <summary>
    /// Writes one control batch holding <paramref name="values"/> in order at offsets baseOffset.., as Kafka does for a
    /// leader change (one record) or the start of a snapshot (header, then kraft version and voters). Returns its size.
    /// </summary>
    public static int WriteBatch(IBufferWriter<byte> output, long baseOffset, int partitionLeaderEpoch, long timestamp,
        params ReadOnlySpan<IControlRecordValue> values)
    {
        if (values.IsEmpty) throw new ArgumentException("a control batch needs at least one record", nameof(values));
        Span<byte> key = stackalloc byte[ControlRecord.KeySize];
        using var value = new PooledBufferWriter(128);
        using var builder = new RecordBatchBuilder
        {
            BaseOffset = baseOffset,
            PartitionLeaderEpoch = partitionLeaderEpoch,
            IsControl = true,
        };
        foreach (var record in values)
        {
            // Kafka refuses a leader change without the epoch it starts: the record is what commits that epoch.
            if (record.Type == ControlRecordType.LeaderChange && partitionLeaderEpoch == RecordBatchHeader.NoPartitionLeaderEpoch)
                throw new ArgumentException("a leader change batch needs the leader's epoch", nameof(partitionLeaderEpoch));
            ControlRecord.WriteKey(key, record.Type);
            value.Reset();
            WriteValue(value, record);
            builder.Add(timestamp, key, keyIsNull: false, value.WrittenSpan, valueIsNull: false);
        }
        return builder.Build(output);
    }

    /// <summary>Builds a control batch into a new array.</summary>
    public static byte[] BuildBatch(long baseOffset, int partitionLeaderEpoch, long timestamp, params ReadOnlySpan<IControlRecordValue> values)
    {
        using var buffer = new PooledBufferWriter(256);
        WriteBatch(buffer, baseOffset, partitionLeaderEpoch, timestamp, values);
        return buffer.WrittenSpan.ToArray();
    }

    private static void CheckVersion(ControlRecordType type, short version, short maxVersion)
    {
        if (version < 0 || version > maxVersion)
            throw new ProtocolException($"{type} control record value v{version} is not supported (known: 0-{maxVersion})");
    }
}
