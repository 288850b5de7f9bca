using Brook.Protocol.Records;

namespace Brook.Storage.Producers;

/// <summary>
/// What a transaction marker batch says (KIP-98): COMMIT or ABORT, and the epoch of the transaction coordinator that
/// wrote it. Other control batches (KRaft's leader change and snapshot records) are not transaction markers.
/// </summary>
internal readonly record struct EndTxnMarker(ControlRecordType Type, int CoordinatorEpoch)
{
    public bool IsAbort => Type == ControlRecordType.Abort;

    /// <summary>
    /// Reads the marker from a whole control batch: its first record's key gives the type, the value the coordinator
    /// epoch. Null for a batch that is not a readable COMMIT/ABORT marker (markers are never compressed).
    /// </summary>
    public static EndTxnMarker? TryRead(ReadOnlySpan<byte> batch)
    {
        var header = new RecordBatchHeader(batch);
        if (!header.IsControl || header.RecordCount < 1 || header.Compression != CompressionType.None || header.TotalSize > batch.Length)
            return null;
        try
        {
            foreach (var record in new RecordReader(batch[RecordBatchHeader.Size..header.TotalSize], header.RecordCount, header.BaseOffset, header.BaseTimestamp))
            {
                if (record.IsKeyNull || !ControlRecord.TryReadType(record.Key, out var type)) return null;
                if (type is not (ControlRecordType.Commit or ControlRecordType.Abort)) return null;
                var coordinatorEpoch = -1;
                if (!record.IsValueNull && ControlRecord.TryReadCoordinatorEpoch(record.Value, out var epoch)) coordinatorEpoch = epoch;
                return new EndTxnMarker(type, coordinatorEpoch);
            }
        }
        catch (InvalidDataException)
        {
            // A malformed control record is not a marker; the batch itself passed framing and its CRC.
        }
        return null;
    }
}
