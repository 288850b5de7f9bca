using Brook.Common;
using Brook.Protocol;

namespace Brook.Coordination.Records;

/// <summary>
/// The [TopicId, Partitions[]] struct array that every KIP-848 assignment record uses (flexible encoding). Per-topic
/// tagged fields written by newer Kafka versions (e.g. KIP-1251's assignment epochs) are skipped on read.
/// </summary>
internal static class TopicPartitionsCodec
{
    public static void Write(ProtocolWriter writer, PartitionAssignment assignment)
    {
        var topics = assignment.Topics.ToList();
        writer.WriteArrayLength(topics.Count);
        foreach (var (id, partitions) in topics)
        {
            writer.WriteUuid(id);
            writer.WriteArrayLength(partitions.Count);
            foreach (var p in partitions) writer.WriteInt32(p);
            writer.WriteEmptyTaggedFields();
        }
    }

    public static PartitionAssignment Read(ref SchemaRecordReader reader)
    {
        var count = reader.ReadArrayLength();
        if (count == 0) return PartitionAssignment.Empty;
        var topics = new List<(Uuid, IEnumerable<int>)>(count);
        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadUuid();
            var partitions = reader.ReadInt32Array();
            reader.SkipTaggedFields();
            topics.Add((id, partitions));
        }
        return PartitionAssignment.FromTopics(topics);
    }

    /// <summary>Value records start with an int16 version; every KIP-848 value Brook reads is version 0.</summary>
    public static SchemaRecordReader OpenValue(ReadOnlySpan<byte> value, string name)
    {
        var reader = new SchemaRecordReader(value, flexible: true);
        var version = reader.ReadInt16();
        if (version != 0) throw new KafkaException(ErrorCode.CorruptMessage, $"unknown {name} version {version}");
        return reader;
    }

    public static byte[] Encode(int sizeHint, Action<ProtocolWriter> body)
    {
        using var buffer = new PooledBufferWriter(sizeHint);
        var writer = new ProtocolWriter(buffer, flexible: true);
        writer.WriteInt16(0);
        body(writer);
        return buffer.WrittenSpan.ToArray();
    }
}
