namespace Brook.Protocol.Messages;

/// <summary>
/// The topic level every KRaft quorum message shares (Vote, BeginQuorumEpoch, EndQuorumEpoch, DescribeQuorum): the
/// quorum's topic name and its partitions, with tagged fields where the version is flexible. Each message derives its
/// own nested TopicData from it, so the wire types keep Kafka's names.
/// </summary>
public abstract class QuorumTopicData<TPartition> : IMessage where TPartition : IMessage, new()
{
    public string TopicName { get; set; } = "";
    public List<TPartition> Partitions { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        TopicName = reader.ReadString();
        Partitions = VersionedCodec.Read<TPartition>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteString(TopicName);
        VersionedCodec.Write(writer, Partitions, version);
        writer.WriteEmptyTaggedFields();
    }
}
