using Brook.Common;
using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>Deletes a topic with all its partitions and configs. Named by id so a re-created topic of the same name is never hit.</summary>
public sealed record RemoveTopicRecord(Uuid TopicId) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.RemoveTopic;

    internal override void WriteFields(ProtocolWriter writer) => writer.WriteUuid(TopicId);

    internal static RemoveTopicRecord ReadFields(ref ProtocolReader reader, short version) => new(reader.ReadUuid());
}
