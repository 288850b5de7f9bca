using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>
/// Fixes the cluster id, written once when the log is first started. Kafka keeps the id in meta.properties; keeping it
/// in the log instead means the id and the state it names can never be separated.
/// </summary>
public sealed record ClusterIdRecord(string ClusterId) : MetadataRecord
{
    public override MetadataRecordType Type => MetadataRecordType.ClusterId;

    internal override void WriteFields(ProtocolWriter writer) => writer.WriteString(ClusterId);

    internal static ClusterIdRecord ReadFields(ref ProtocolReader reader, short version) => new(reader.ReadString());
}
