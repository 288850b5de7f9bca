using Brook.Common;
using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>
/// The full state of one partition. Replaying it for a partition that already exists replaces that partition's state,
/// so leader and ISR changes are written as a new PartitionRecord with bumped epochs (Kafka uses a separate
/// PartitionChangeRecord holding only the difference; a full record is simpler and the partition state is small).
/// </summary>
public sealed record PartitionRecord(
    Uuid TopicId,
    int PartitionIndex,
    IReadOnlyList<int> Replicas,
    IReadOnlyList<int> Isr,
    int Leader,
    int LeaderEpoch,
    int PartitionEpoch) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.Partition;

    internal override void WriteFields(ProtocolWriter writer)
    {
        writer.WriteUuid(TopicId);
        writer.WriteInt32(PartitionIndex);
        writer.WriteArray(Replicas, static (w, id) => w.WriteInt32(id));
        writer.WriteArray(Isr, static (w, id) => w.WriteInt32(id));
        writer.WriteInt32(Leader);
        writer.WriteInt32(LeaderEpoch);
        writer.WriteInt32(PartitionEpoch);
    }

    internal static PartitionRecord ReadFields(ref ProtocolReader reader, short version)
    {
        var topicId = reader.ReadUuid();
        var index = reader.ReadInt32();
        var replicas = reader.ReadArray(static (ref ProtocolReader r) => r.ReadInt32());
        var isr = reader.ReadArray(static (ref ProtocolReader r) => r.ReadInt32());
        return new PartitionRecord(topicId, index, replicas, isr, reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
    }
}
