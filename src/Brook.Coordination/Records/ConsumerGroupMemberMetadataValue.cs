namespace Brook.Coordination.Records;

/// <summary>
/// The value of a ConsumerGroupMemberMetadataKey (key version 5): who a member is and what it subscribes to. Kafka's
/// tagged ClassicMemberMetadata (for classic-protocol members of consumer groups) is never written by Brook and is
/// skipped when read.
/// </summary>
public sealed record ConsumerGroupMemberMetadataValue(
    string? InstanceId,
    string? RackId,
    string ClientId,
    string ClientHost,
    IReadOnlyList<string> SubscribedTopicNames,
    string? SubscribedTopicRegex,
    int RebalanceTimeoutMs,
    string? ServerAssignor)
{
    public byte[] Encode() => TopicPartitionsCodec.Encode(128, writer =>
    {
        writer.WriteNullableString(InstanceId);
        writer.WriteNullableString(RackId);
        writer.WriteString(ClientId);
        writer.WriteString(ClientHost);
        writer.WriteArrayLength(SubscribedTopicNames.Count);
        foreach (var t in SubscribedTopicNames) writer.WriteString(t);
        writer.WriteNullableString(SubscribedTopicRegex);
        writer.WriteInt32(RebalanceTimeoutMs);
        writer.WriteNullableString(ServerAssignor);
        writer.WriteEmptyTaggedFields();
    });

    public static ConsumerGroupMemberMetadataValue Decode(ReadOnlySpan<byte> value)
    {
        var reader = TopicPartitionsCodec.OpenValue(value, "ConsumerGroupMemberMetadataValue");
        var instanceId = reader.ReadNullableString();
        var rackId = reader.ReadNullableString();
        var clientId = reader.ReadString();
        var clientHost = reader.ReadString();
        var count = reader.ReadArrayLength();
        var topics = new string[count];
        for (var i = 0; i < count; i++) topics[i] = reader.ReadString();
        var regex = reader.ReadNullableString();
        var rebalanceTimeoutMs = reader.ReadInt32();
        var assignor = reader.ReadNullableString();
        reader.SkipTaggedFields();
        return new ConsumerGroupMemberMetadataValue(instanceId, rackId, clientId, clientHost, topics, regex, rebalanceTimeoutMs, assignor);
    }

    /// <summary>Field-wise equality (the topic list compared by content): an unchanged member writes no record.</summary>
    public bool SameAs(ConsumerGroupMemberMetadataValue other) =>
        InstanceId == other.InstanceId && RackId == other.RackId && ClientId == other.ClientId && ClientHost == other.ClientHost &&
        SubscribedTopicNames.SequenceEqual(other.SubscribedTopicNames) && SubscribedTopicRegex == other.SubscribedTopicRegex &&
        RebalanceTimeoutMs == other.RebalanceTimeoutMs && ServerAssignor == other.ServerAssignor;
}
