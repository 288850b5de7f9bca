using Brook.Common;
using Brook.Protocol;

namespace Brook.Coordination.Records;

/// <summary>
/// The value of a GroupMetadataKey: a classic group as of its last completed rebalance. Versions 0-4 as Kafka defines
/// them: member rebalance timeout from v1, state timestamp from v2, group instance id from v3, v4 flexible.
/// </summary>
public sealed record GroupMetadataValue(
    string ProtocolType,
    int Generation,
    string? Protocol,
    string? Leader,
    long CurrentStateTimestamp,
    IReadOnlyList<GroupMemberMetadata> Members)
{
    /// <summary>Kafka brokers since 2.3 write v3; it is the newest version every tool that reads this topic knows.</summary>
    public const short DefaultVersion = 3;

    public byte[] Encode(short version = DefaultVersion)
    {
        if (version is < 0 or > 4) throw new ArgumentOutOfRangeException(nameof(version), version, "GroupMetadataValue versions are 0-4");
        var estimate = 128;
        foreach (var m in Members) estimate += 128 + m.Subscription.Length + m.Assignment.Length;
        using var buffer = new PooledBufferWriter(estimate);
        var writer = new ProtocolWriter(buffer, flexible: version >= 4);
        writer.WriteInt16(version);
        writer.WriteString(ProtocolType);
        writer.WriteInt32(Generation);
        writer.WriteNullableString(Protocol);
        writer.WriteNullableString(Leader);
        if (version >= 2) writer.WriteInt64(CurrentStateTimestamp);
        writer.WriteArrayLength(Members.Count);
        foreach (var m in Members)
        {
            writer.WriteString(m.MemberId);
            if (version >= 3) writer.WriteNullableString(m.GroupInstanceId);
            writer.WriteString(m.ClientId);
            writer.WriteString(m.ClientHost);
            if (version >= 1) writer.WriteInt32(m.RebalanceTimeoutMs);
            writer.WriteInt32(m.SessionTimeoutMs);
            writer.WriteBytes(m.Subscription);
            writer.WriteBytes(m.Assignment);
            writer.WriteEmptyTaggedFields();
        }
        writer.WriteEmptyTaggedFields();
        return buffer.WrittenSpan.ToArray();
    }

    public static GroupMetadataValue Decode(ReadOnlySpan<byte> value)
    {
        var reader = new SchemaRecordReader(value);
        var version = reader.ReadInt16();
        if (version is < 0 or > 4)
            throw new KafkaException(ErrorCode.CorruptMessage, $"unknown GroupMetadataValue version {version}");
        reader.Flexible = version >= 4;
        var protocolType = reader.ReadString();
        var generation = reader.ReadInt32();
        var protocol = reader.ReadNullableString();
        var leader = reader.ReadNullableString();
        var stateTimestamp = version >= 2 ? reader.ReadInt64() : -1;
        var count = reader.ReadArrayLength();
        var members = new List<GroupMemberMetadata>(count);
        for (var i = 0; i < count; i++)
        {
            var memberId = reader.ReadString();
            var instanceId = version >= 3 ? reader.ReadNullableString() : null;
            var clientId = reader.ReadString();
            var clientHost = reader.ReadString();
            // v0 had no rebalance timeout: the session timeout served as both, as it did for JoinGroup v0.
            var rebalanceTimeout = version >= 1 ? reader.ReadInt32() : -1;
            var sessionTimeout = reader.ReadInt32();
            if (rebalanceTimeout < 0) rebalanceTimeout = sessionTimeout;
            var subscription = reader.ReadBytes();
            var assignment = reader.ReadBytes();
            reader.SkipTaggedFields();
            members.Add(new GroupMemberMetadata(memberId, instanceId, clientId, clientHost, rebalanceTimeout, sessionTimeout, subscription, assignment));
        }
        reader.SkipTaggedFields();
        return new GroupMetadataValue(protocolType, generation, protocol, leader, stateTimestamp, members);
    }
}
