using Brook.Common;
using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>Creates a topic; its partitions and configs follow as separate records in the same batch.</summary>
public sealed record TopicRecord(string Name, Uuid TopicId) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.Topic;

    internal override void WriteFields(ProtocolWriter writer)
    {
        writer.WriteString(Name);
        writer.WriteUuid(TopicId);
    }

    internal static TopicRecord ReadFields(ref ProtocolReader reader, short version) => new(reader.ReadString(), reader.ReadUuid());
}
