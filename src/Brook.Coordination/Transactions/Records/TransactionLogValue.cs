using System.Buffers.Binary;
using Brook.Common;
using Brook.Coordination.Records;
using Brook.Protocol;

namespace Brook.Coordination.Transactions.Records;

/// <summary>
/// The value of a __transaction_state record: one transactional id's producer id, epoch and transaction as of its last
/// durable transition. Versions 0-1 as Kafka defines them; v1 is flexible and adds three tagged fields (previous
/// producer id = tag 0, next producer id = tag 1, client transaction version = tag 2). A transactional id's removal is a
/// tombstone (null value), never a value with state Dead.
/// </summary>
/// <param name="Partitions">
/// The partitions of the ongoing (or preparing) transaction. Written grouped by topic; Kafka writes the array as null
/// for an Empty state, which decodes to an empty list.
/// </param>
public sealed record TransactionLogValue(
    long ProducerId,
    short ProducerEpoch,
    int TransactionTimeoutMs,
    TransactionState State,
    IReadOnlyList<TopicPartition> Partitions,
    long LastUpdateTimestampMs,
    long StartTimestampMs)
{
    /// <summary>Tag 0 of v1: the producer id before the last rotation (KIP-360 retry after epoch exhaustion), -1 if none.</summary>
    public long PreviousProducerId { get; init; } = -1;

    /// <summary>Tag 1 of v1: the producer id handed out ahead of a rotation (transaction version 2); -1 if none.</summary>
    public long NextProducerId { get; init; } = -1;

    /// <summary>Tag 2 of v1: the transaction version (KIP-890) the client uses; 0 for classic clients.</summary>
    public short ClientTransactionVersion { get; init; }

    public const short HighestVersion = 1;

    /// <summary>Whether a tagged field differs from its default, which needs version 1 to be stored.</summary>
    public bool NeedsTaggedFields => PreviousProducerId != -1 || NextProducerId != -1 || ClientTransactionVersion != 0;

    /// <summary>
    /// Encodes the value. Without an explicit version, v0 is written unless a tagged field must be kept: v0 is what every
    /// Kafka version reads, so a topic written by Brook stays readable by older brokers.
    /// </summary>
    public byte[] Encode(short? version = null)
    {
        var v = version ?? (NeedsTaggedFields ? HighestVersion : (short)0);
        if (v is < 0 or > HighestVersion) throw new ArgumentOutOfRangeException(nameof(version), v, "TransactionLogValue versions are 0-1");
        if (State is TransactionState.Dead or TransactionState.PrepareEpochFence)
            throw new InvalidOperationException($"state {State} is never written to the transaction log");
        if (State == TransactionState.Empty && Partitions.Count > 0)
            throw new InvalidOperationException("an Empty transaction has no partitions");

        using var buffer = new PooledBufferWriter(64 + Partitions.Count * 8);
        var writer = new ProtocolWriter(buffer, flexible: v >= 1);
        writer.WriteInt16(v);
        writer.WriteInt64(ProducerId);
        writer.WriteInt16(ProducerEpoch);
        writer.WriteInt32(TransactionTimeoutMs);
        writer.WriteInt8((sbyte)State);
        if (State == TransactionState.Empty) writer.WriteArrayLength(-1);
        else WritePartitions(writer, Partitions);
        writer.WriteInt64(LastUpdateTimestampMs);
        writer.WriteInt64(StartTimestampMs);
        if (v >= 1) WriteTaggedFields(writer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Topics in ordinal order, each with its partition ids ascending, so equal sets encode to equal bytes.</summary>
    private static void WritePartitions(ProtocolWriter writer, IReadOnlyList<TopicPartition> partitions)
    {
        var sorted = partitions.ToArray();
        Array.Sort(sorted, static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Topic, b.Topic);
            return c != 0 ? c : a.Partition.CompareTo(b.Partition);
        });
        var topics = 0;
        for (var i = 0; i < sorted.Length; i++)
            if (i == 0 || sorted[i].Topic != sorted[i - 1].Topic) topics++;
        writer.WriteArrayLength(topics);
        for (var start = 0; start < sorted.Length;)
        {
            var end = start;
            while (end < sorted.Length && sorted[end].Topic == sorted[start].Topic) end++;
            writer.WriteString(sorted[start].Topic);
            writer.WriteArrayLength(end - start);
            for (var i = start; i < end; i++) writer.WriteInt32(sorted[i].Partition);
            writer.WriteEmptyTaggedFields();
            start = end;
        }
    }

    private void WriteTaggedFields(ProtocolWriter writer)
    {
        var count = (PreviousProducerId != -1 ? 1u : 0) + (NextProducerId != -1 ? 1u : 0) + (ClientTransactionVersion != 0 ? 1u : 0);
        writer.WriteUnsignedVarInt(count);
        // Tags ascending, as the flexible-version format requires.
        if (PreviousProducerId != -1) writer.WriteTaggedField(0, w => w.WriteInt64(PreviousProducerId));
        if (NextProducerId != -1) writer.WriteTaggedField(1, w => w.WriteInt64(NextProducerId));
        if (ClientTransactionVersion != 0) writer.WriteTaggedField(2, w => w.WriteInt16(ClientTransactionVersion));
    }

    public static TransactionLogValue Decode(ReadOnlySpan<byte> value)
    {
        var reader = new SchemaRecordReader(value, what: "__transaction_state record");
        var version = reader.ReadInt16();
        if (version is < 0 or > HighestVersion)
            throw new KafkaException(ErrorCode.CorruptMessage, $"unknown TransactionLogValue version {version}");
        reader.Flexible = version >= 1;
        var producerId = reader.ReadInt64();
        var producerEpoch = reader.ReadInt16();
        var timeoutMs = reader.ReadInt32();
        var status = reader.ReadInt8();
        if (!TransactionStateNames.IsDefined(status))
            throw new KafkaException(ErrorCode.CorruptMessage, $"unknown transaction status {status}");

        var partitions = new List<TopicPartition>();
        var topicCount = reader.ReadNullableArrayLength();
        for (var t = 0; t < topicCount; t++)
        {
            var topic = reader.ReadString();
            var ids = reader.ReadNonNullArrayLength();
            for (var i = 0; i < ids; i++) partitions.Add(new TopicPartition(topic, reader.ReadInt32()));
            reader.SkipTaggedFields();
        }
        var lastUpdate = reader.ReadInt64();
        var start = reader.ReadInt64();

        long previousProducerId = -1, nextProducerId = -1;
        short clientVersion = 0;
        if (reader.Flexible)
        {
            var tags = reader.ReadUnsignedVarInt();
            for (var i = 0; i < tags; i++)
            {
                var tag = reader.ReadUnsignedVarInt();
                var field = reader.ReadRaw((int)reader.ReadUnsignedVarInt());
                switch (tag)
                {
                    case 0: previousProducerId = ReadTagged64(field); break;
                    case 1: nextProducerId = ReadTagged64(field); break;
                    case 2: clientVersion = ReadTagged16(field); break;
                    // Tags a newer Kafka added are skipped: that is what tagged fields are for.
                }
            }
        }

        return new TransactionLogValue(producerId, producerEpoch, timeoutMs, (TransactionState)status, partitions, lastUpdate, start)
        {
            PreviousProducerId = previousProducerId,
            NextProducerId = nextProducerId,
            ClientTransactionVersion = clientVersion,
        };
    }

    private static long ReadTagged64(ReadOnlySpan<byte> field) => field.Length == 8
        ? BinaryPrimitives.ReadInt64BigEndian(field)
        : throw new KafkaException(ErrorCode.CorruptMessage, $"tagged int64 field of {field.Length} bytes");

    private static short ReadTagged16(ReadOnlySpan<byte> field) => field.Length == 2
        ? BinaryPrimitives.ReadInt16BigEndian(field)
        : throw new KafkaException(ErrorCode.CorruptMessage, $"tagged int16 field of {field.Length} bytes");
}
