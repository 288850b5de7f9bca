using System.Buffers;
using System.Buffers.Binary;
using Brook.Common;

namespace Brook.Protocol.Records;

/// <summary>
/// Control records (KIP-98), carried alone in control batches. Key: version int16 (0), type int16. The value of a
/// COMMIT/ABORT marker: version int16 (0), coordinator epoch int32 (Kafka's EndTxnMarker). Readers accept any
/// non-negative version and read only the leading fields they know, so newer versions that append fields still parse.
/// </summary>
public static class ControlRecord
{
    public const short CurrentKeyVersion = 0;
    public const short CurrentEndTxnMarkerVersion = 0;
    public const int KeySize = 4;
    public const int EndTxnMarkerValueSize = 6;

    public static void WriteKey(Span<byte> destination, ControlRecordType type)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, CurrentKeyVersion);
        BinaryPrimitives.WriteInt16BigEndian(destination[2..], (short)type);
    }

    /// <summary>Reads the type from a control record key; false if the key is too short or its version negative.</summary>
    public static bool TryReadType(ReadOnlySpan<byte> key, out ControlRecordType type)
    {
        type = default;
        if (key.Length < KeySize || BinaryPrimitives.ReadInt16BigEndian(key) < 0) return false;
        type = (ControlRecordType)BinaryPrimitives.ReadInt16BigEndian(key[2..]);
        return true;
    }

    public static void WriteEndTxnMarkerValue(Span<byte> destination, int coordinatorEpoch)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, CurrentEndTxnMarkerVersion);
        BinaryPrimitives.WriteInt32BigEndian(destination[2..], coordinatorEpoch);
    }

    /// <summary>Reads the coordinator epoch from a COMMIT/ABORT marker value.</summary>
    public static bool TryReadCoordinatorEpoch(ReadOnlySpan<byte> value, out int coordinatorEpoch)
    {
        coordinatorEpoch = 0;
        if (value.Length < EndTxnMarkerValueSize || BinaryPrimitives.ReadInt16BigEndian(value) < 0) return false;
        coordinatorEpoch = BinaryPrimitives.ReadInt32BigEndian(value[2..]);
        return true;
    }

    /// <summary>
    /// Writes a transaction marker batch: transactional and control bits set, no base sequence, one uncompressed
    /// record at offset delta 0 — the shape Kafka's transaction coordinator appends to each partition.
    /// Returns the batch size.
    /// </summary>
    public static int WriteEndTxnMarkerBatch(IBufferWriter<byte> output, ControlRecordType marker, long producerId, short producerEpoch,
        int coordinatorEpoch, long timestamp, long baseOffset = 0, int partitionLeaderEpoch = RecordBatchHeader.NoPartitionLeaderEpoch)
    {
        if (marker is not (ControlRecordType.Commit or ControlRecordType.Abort))
            throw new ArgumentOutOfRangeException(nameof(marker), marker, "a transaction marker is COMMIT or ABORT");
        Span<byte> key = stackalloc byte[KeySize];
        Span<byte> value = stackalloc byte[EndTxnMarkerValueSize];
        WriteKey(key, marker);
        WriteEndTxnMarkerValue(value, coordinatorEpoch);
        using var builder = new RecordBatchBuilder
        {
            BaseOffset = baseOffset,
            PartitionLeaderEpoch = partitionLeaderEpoch,
            ProducerId = producerId,
            ProducerEpoch = producerEpoch,
            BaseSequence = RecordBatchHeader.NoSequence,
            IsTransactional = true,
            IsControl = true,
        };
        builder.Add(timestamp, key, keyIsNull: false, value, valueIsNull: false);
        return builder.Build(output);
    }

    /// <summary>Builds a transaction marker batch into a new array.</summary>
    public static byte[] BuildEndTxnMarkerBatch(ControlRecordType marker, long producerId, short producerEpoch, int coordinatorEpoch,
        long timestamp, long baseOffset = 0, int partitionLeaderEpoch = RecordBatchHeader.NoPartitionLeaderEpoch)
    {
        using var buffer = new PooledBufferWriter(128);
        WriteEndTxnMarkerBatch(buffer, marker, producerId, producerEpoch, coordinatorEpoch, timestamp, baseOffset, partitionLeaderEpoch);
        return buffer.WrittenSpan.ToArray();
    }
}
