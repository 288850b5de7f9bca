using System.Buffers.Binary;
using Brook.Common;
using Brook.Protocol.Records.Compression;

namespace Brook.Protocol.Records;

/// <summary>
/// Checks a record set from a producer (one or more concatenated v2 batches) the way Kafka's broker does before
/// appending: framing, magic, size, CRC, the client-side rules of LogValidator, and every record, decompressing
/// compressed batches into a pooled buffer to walk them. Allocates the result's batch array and, only for compressed
/// batches, one pooled scratch buffer; nothing per record.
/// The topic's per-record rules (<see cref="RecordRules"/>: keys on compacted topics, the timestamp window) are checked
/// on every record and all violations collected, as Kafka's LogValidator does for KIP-467 record errors. Rules that
/// depend on the request version are left to the caller: produce v3+ allows exactly one batch (INVALID_RECORD
/// otherwise), zstd needs produce v7+ (UNSUPPORTED_COMPRESSION_TYPE).
/// </summary>
public static class RecordBatchValidator
{
    /// <summary>
    /// Default cap on one batch's decompressed records. Kafka has no such limit because it streams; this broker inflates
    /// a batch whole, so a cap keeps a tiny, highly compressed batch from claiming unbounded memory.
    /// </summary>
    public const int DefaultMaxDecompressedBatchSize = 256 * 1024 * 1024;

    /// <param name="records">The record set exactly as carried in the Produce request.</param>
    /// <param name="maxBatchSize">The topic's max.message.bytes: the largest whole batch accepted, compressed size.</param>
    /// <param name="maxDecompressedBatchSize">Largest records section a compressed batch may inflate to.</param>
    public static RecordSetValidationResult Validate(ReadOnlySpan<byte> records, int maxBatchSize,
        int maxDecompressedBatchSize = DefaultMaxDecompressedBatchSize) =>
        Validate(records, maxBatchSize, RecordRules.None, maxDecompressedBatchSize);

    /// <param name="records">The record set exactly as carried in the Produce request.</param>
    /// <param name="maxBatchSize">The topic's max.message.bytes: the largest whole batch accepted, compressed size.</param>
    /// <param name="rules">The topic's per-record rules.</param>
    /// <param name="maxDecompressedBatchSize">Largest records section a compressed batch may inflate to.</param>
    public static RecordSetValidationResult Validate(ReadOnlySpan<byte> records, int maxBatchSize, in RecordRules rules,
        int maxDecompressedBatchSize = DefaultMaxDecompressedBatchSize)
    {
        if (records.IsEmpty)
            return RecordSetValidationResult.Failure(ErrorCode.InvalidRecord, "the record set holds no record batch", 0);

        var batches = new RecordBatchInfo[CountFramedBatches(records)];
        PooledBufferWriter? scratch = null;
        try
        {
            var position = 0;
            var index = 0;
            var totalRecords = 0;
            while (position < records.Length)
            {
                var failure = ValidateBatch(records[position..], position, index, maxBatchSize, maxDecompressedBatchSize, in rules, ref scratch, out var info);
                if (failure is { } f) return f;
                // A batch that passes validation is framed, so CountFramedBatches counted it: index stays in range.
                batches[index++] = info;
                position += info.Size;
                totalRecords += info.RecordCount;
            }
            return RecordSetValidationResult.Success(batches, totalRecords);
        }
        finally
        {
            scratch?.Dispose();
        }
    }

    /// <summary>Batches whose length fields frame them inside the set, up to the first that does not.</summary>
    private static int CountFramedBatches(ReadOnlySpan<byte> records)
    {
        var count = 0;
        var pos = 0;
        while (records.Length - pos >= RecordBatchHeader.Size)
        {
            var batchLength = BinaryPrimitives.ReadInt32BigEndian(records[(pos + RecordBatchHeader.BatchLengthPosition)..]);
            if (batchLength < RecordBatchHeader.MinBatchLength || batchLength > records.Length - pos - RecordBatchHeader.LogOverhead) break;
            pos += RecordBatchHeader.LogOverhead + batchLength;
            count++;
        }
        return count;
    }

    private static RecordSetValidationResult? ValidateBatch(ReadOnlySpan<byte> rest, int position, int index, int maxBatchSize,
        int maxDecompressedBatchSize, in RecordRules rules, ref PooledBufferWriter? scratch, out RecordBatchInfo info)
    {
        info = default;
        // Framing. A set is framed by its own length fields, so bytes that do not frame are corruption, not a short read.
        if (rest.Length <= RecordBatchHeader.MagicPosition)
            return Corrupt(index, $"batch at byte {position} is truncated: {rest.Length} bytes left, too few for a batch header");
        var batchLength = BinaryPrimitives.ReadInt32BigEndian(rest[RecordBatchHeader.BatchLengthPosition..]);
        if (batchLength < 0 || batchLength > rest.Length - RecordBatchHeader.LogOverhead)
            return Corrupt(index, $"batch at byte {position} declares length {batchLength}, past the end of the record set ({rest.Length - RecordBatchHeader.LogOverhead} bytes left)");

        // Magic 0 and 1 are the pre-0.11 message sets: Kafka refuses them in produce v3+ with INVALID_RECORD ("only
        // allowed to contain record batches with magic version 2"). Anything else is not a message format at all.
        var magic = (sbyte)rest[RecordBatchHeader.MagicPosition];
        if (magic is 0 or 1)
            return Fail(ErrorCode.InvalidRecord, index, $"batch {index} has magic {magic}; produce requests must carry magic v2 record batches");
        if (magic != RecordBatchHeader.CurrentMagic)
            return Corrupt(index, $"batch {index} has invalid magic {magic}");
        if (batchLength < RecordBatchHeader.MinBatchLength)
            return Corrupt(index, $"batch {index} length {batchLength} is below the minimum of {RecordBatchHeader.MinBatchLength}");

        var size = RecordBatchHeader.LogOverhead + batchLength;
        var batch = rest[..size];
        var header = new RecordBatchHeader(batch);

        // Kafka's order: producer-assigned base offset, then size, then CRC (UnifiedLog.analyzeAndValidateRecords).
        if (header.BaseOffset != 0)
            return Fail(ErrorCode.InvalidRecord, index, $"batch {index} has base offset {header.BaseOffset}; a producer's batch must start at 0");
        if (size > maxBatchSize)
            return Fail(ErrorCode.MessageTooLarge, index, $"batch {index} is {size} bytes, over the limit of {maxBatchSize}");
        var crc = RecordBatchHeader.ComputeCrc(batch);
        if (crc != header.Crc)
            return Corrupt(index, $"batch {index} CRC mismatch: stored {header.Crc:x8}, computed {crc:x8}");

        var codec = header.Compression;
        if (!CompressionCodecs.IsKnown(codec))
            return Fail(ErrorCode.UnsupportedCompressionType, index, $"batch {index} uses unknown compression codec {(int)codec}");

        // LogValidator.validateBatch's rules for batches that come from clients.
        if (header.IsControl)
            return Fail(ErrorCode.InvalidRecord, index, $"batch {index} is a control batch; clients may not write control records");
        var count = header.RecordCount;
        var lastOffsetDelta = header.LastOffsetDelta;
        if (lastOffsetDelta < 0)
            return Fail(ErrorCode.InvalidRecord, index, $"batch {index} has an invalid offset range (last offset delta {lastOffsetDelta})");
        if (count <= 0)
            return Fail(ErrorCode.InvalidRecord, index, $"batch {index} reports an invalid record count {count}");
        if (count != (long)lastOffsetDelta + 1)
            return Fail(ErrorCode.InvalidRecord, index, $"batch {index} reports {count} records but its last offset delta is {lastOffsetDelta}");
        if (header.ProducerId >= 0 && header.BaseSequence < 0)
            return Fail(ErrorCode.InvalidRecord, index, $"batch {index} has producer id {header.ProducerId} but invalid base sequence {header.BaseSequence}");

        var section = batch[RecordBatchHeader.Size..];
        if (codec != CompressionType.None)
        {
            scratch ??= new PooledBufferWriter(Math.Clamp(section.Length * 4, 4096, 1 << 20));
            scratch.Reset();
            try
            {
                CompressionCodecs.Decompress(codec, section, scratch, maxDecompressedBatchSize);
            }
            catch (DecompressionLimitExceededException)
            {
                return Fail(ErrorCode.MessageTooLarge, index, $"batch {index} decompresses to more than {maxDecompressedBatchSize} bytes");
            }
            catch (InvalidDataException e)
            {
                // The CRC matched, so these bytes are what the client sent: a client bug that retrying cannot fix,
                // hence INVALID_RECORD (not retriable) rather than CORRUPT_MESSAGE (retriable in the Java client).
                return Fail(ErrorCode.InvalidRecord, index, $"batch {index} does not decompress as {codec}: {e.Message}");
            }
            section = scratch.WrittenSpan;
        }

        var reader = new RecordReader(section, count, header.BaseOffset, header.BaseTimestamp);
        var minTimestamp = long.MaxValue;
        var maxTimestamp = long.MinValue;
        var hasNullKey = false;
        var checkTimestamps = rules.ChecksTimestamps;
        List<RecordError>? recordErrors = null;
        var timestampRejected = false;
        for (var i = 0; i < count; i++)
        {
            var error = reader.TryReadNext(out var record);
            if (error != RecordFormatError.None)
            {
                // Running out of bytes before the declared count means the count is wrong, not one record.
                var recordIndex = reader.RemainingBytes == 0 ? -1 : i;
                var message = reader.RemainingBytes == 0
                    ? $"batch {index} declares {count} records but holds only {i}"
                    : $"batch {index} {error.Describe(i)}";
                return Fail(ErrorCode.InvalidRecord, index, message, recordIndex);
            }
            if (record.OffsetDelta != i)
                return Fail(ErrorCode.InvalidRecord, index, $"batch {index} record {i} has offset delta {record.OffsetDelta}, expected {i}", i);
            var ts = record.Timestamp;
            if (ts < minTimestamp) minTimestamp = ts;
            if (ts > maxTimestamp) maxTimestamp = ts;
            hasNullKey |= record.IsKeyNull;
            // One error per record, the key first (as LogValidator orders them); a record without a timestamp (-1) is
            // never out of range.
            if (rules.RequireKey && record.IsKeyNull)
                (recordErrors ??= []).Add(new RecordError(i, $"compacted topic partition {rules.Partition} cannot accept record {i} without a key"));
            else if (checkTimestamps && ts != RecordBatchHeader.NoTimestamp && (ts < rules.EarliestTimestamp || ts > rules.LatestTimestamp))
            {
                timestampRejected = true;
                (recordErrors ??= []).Add(new RecordError(i,
                    $"timestamp {ts} of record {i} is outside the accepted range [{rules.EarliestTimestamp}, {rules.LatestTimestamp}] " +
                    "(message.timestamp.before.max.ms / message.timestamp.after.max.ms)"));
            }
        }
        if (reader.RemainingBytes != 0)
            return Fail(ErrorCode.InvalidRecord, index, $"batch {index} has {reader.RemainingBytes} bytes after its {count} declared records");
        if (recordErrors is not null) return RecordsRejected(index, count, recordErrors, timestampRejected);

        info = RecordBatchInfo.FromHeader(header, position) with
        {
            MinRecordTimestamp = minTimestamp,
            MaxRecordTimestamp = maxTimestamp,
            HasNullKey = hasNullKey,
            UncompressedRecordsSize = section.Length,
        };
        return null;
    }

    /// <summary>
    /// The whole batch fails when any record broke a rule: INVALID_TIMESTAMP if a timestamp did (Kafka's precedence),
    /// INVALID_RECORD otherwise; the message counts them and quotes the first three.
    /// </summary>
    private static RecordSetValidationResult RecordsRejected(int index, int count, List<RecordError> errors, bool timestampRejected)
    {
        var shown = string.Join("; ", errors.Take(3).Select(e => e.Message));
        var message = $"{errors.Count} of the {count} records in batch {index} were rejected" +
            (errors.Count > 3 ? $" (the first three: {shown})" : $": {shown}");
        return RecordSetValidationResult.RecordsRejected(timestampRejected ? ErrorCode.InvalidTimestamp : ErrorCode.InvalidRecord, message, index, errors);
    }

    private static RecordSetValidationResult Corrupt(int batchIndex, string message) =>
        RecordSetValidationResult.Failure(ErrorCode.CorruptMessage, message, batchIndex);

    private static RecordSetValidationResult Fail(ErrorCode code, int batchIndex, string message, int recordIndex = -1) =>
        RecordSetValidationResult.Failure(code, message, batchIndex, recordIndex);
}
