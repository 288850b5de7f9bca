namespace Brook.IntegrationTests.Wire;

/// <summary>
/// Hand-encoded classic consumer-group requests at their last non-flexible versions (JoinGroup v5, SyncGroup v3,
/// Heartbeat v3, LeaveGroup v3, OffsetCommit v7, OffsetFetch v5) and decoders for their responses, written from the
/// Kafka message definitions independently of Brook.Protocol.
/// </summary>
public static class GroupRequests
{
    public const short OffsetCommitKey = 8;
    public const short OffsetFetchKey = 9;
    public const short JoinGroupKey = 11;
    public const short HeartbeatKey = 12;
    public const short LeaveGroupKey = 13;
    public const short SyncGroupKey = 14;

    public const short JoinGroupVersion = 5;
    public const short SyncGroupVersion = 3;
    public const short HeartbeatVersion = 3;
    public const short LeaveGroupVersion = 3;
    public const short OffsetCommitVersion = 7;
    public const short OffsetFetchVersion = 5;

    public const short ErrorNone = 0;
    public const short ErrorOffsetMetadataTooLarge = 12;
    public const short ErrorIllegalGeneration = 22;
    public const short ErrorInconsistentGroupProtocol = 23;
    public const short ErrorUnknownMemberId = 25;
    public const short ErrorRebalanceInProgress = 27;
    public const short ErrorMemberIdRequired = 79;

    /// <summary>The "consumer" protocol type every Kafka consumer uses in JoinGroup.</summary>
    public const string ConsumerProtocolType = "consumer";

    /// <summary>ConsumerProtocolSubscription v0: version, topic names, null user data.</summary>
    public static byte[] Subscription(params string[] topics)
    {
        var w = new WireWriter().Int16(0).Int32(topics.Length);
        foreach (var t in topics) w.String(t);
        return w.Int32(-1).ToArray();
    }

    /// <summary>ConsumerProtocolAssignment v0 for one topic: version, [topic, [partition]], null user data.</summary>
    public static byte[] Assignment(string topic, params int[] partitions)
    {
        var w = new WireWriter().Int16(0).Int32(1).String(topic).Int32(partitions.Length);
        foreach (var p in partitions) w.Int32(p);
        return w.Int32(-1).ToArray();
    }

    /// <summary>JoinGroup v5 body: group, session and rebalance timeouts, member id, instance id, protocol type, [name, metadata].</summary>
    public static byte[] JoinGroupV5(string groupId, string memberId, IReadOnlyList<(string Name, byte[] Metadata)> protocols,
        int sessionTimeoutMs = 30_000, int rebalanceTimeoutMs = 30_000, string? groupInstanceId = null,
        string protocolType = ConsumerProtocolType)
    {
        var w = new WireWriter()
            .String(groupId)
            .Int32(sessionTimeoutMs)
            .Int32(rebalanceTimeoutMs)
            .String(memberId)
            .String(groupInstanceId)
            .String(protocolType)
            .Int32(protocols.Count);
        foreach (var (name, metadata) in protocols) w.String(name).Bytes(metadata);
        return w.ToArray();
    }

    /// <summary>One member entry of a JoinGroup response (only the leader gets a non-empty list).</summary>
    public readonly record struct JoinedMember(string MemberId, string? GroupInstanceId, byte[] Metadata);

    /// <summary>Decoded JoinGroup v5 response.</summary>
    public sealed record JoinGroupResult(short ErrorCode, int GenerationId, string? ProtocolName, string Leader, string MemberId,
        List<JoinedMember> Members);

    public static JoinGroupResult ReadJoinGroupV5Response(ResponseReader r)
    {
        _ = r.Int32(); // throttle time
        var error = r.Int16();
        var generation = r.Int32();
        var protocolName = r.String();
        var leader = r.String() ?? "";
        var memberId = r.String() ?? "";
        var count = r.Int32();
        var members = new List<JoinedMember>(Math.Max(count, 0));
        for (var i = 0; i < count; i++) members.Add(new JoinedMember(r.String() ?? "", r.String(), r.Bytes()));
        ExpectEnd(r, "JoinGroup v5");
        return new JoinGroupResult(error, generation, protocolName, leader, memberId, members);
    }

    /// <summary>SyncGroup v3 body: group, generation, member, instance id, [member, assignment] (leader only).</summary>
    public static byte[] SyncGroupV3(string groupId, int generationId, string memberId,
        IReadOnlyList<(string MemberId, byte[] Assignment)> assignments, string? groupInstanceId = null)
    {
        var w = new WireWriter().String(groupId).Int32(generationId).String(memberId).String(groupInstanceId).Int32(assignments.Count);
        foreach (var (member, assignment) in assignments) w.String(member).Bytes(assignment);
        return w.ToArray();
    }

    /// <summary>SyncGroup v3 response: throttle time, error, assignment bytes.</summary>
    public static (short ErrorCode, byte[] Assignment) ReadSyncGroupV3Response(ResponseReader r)
    {
        _ = r.Int32();
        var error = r.Int16();
        var assignment = r.Bytes();
        ExpectEnd(r, "SyncGroup v3");
        return (error, assignment);
    }

    /// <summary>Heartbeat v3 body: group, generation, member, instance id.</summary>
    public static byte[] HeartbeatV3(string groupId, int generationId, string memberId, string? groupInstanceId = null) =>
        new WireWriter().String(groupId).Int32(generationId).String(memberId).String(groupInstanceId).ToArray();

    /// <summary>Heartbeat v3 response: throttle time, error.</summary>
    public static short ReadHeartbeatV3Response(ResponseReader r)
    {
        _ = r.Int32();
        var error = r.Int16();
        ExpectEnd(r, "Heartbeat v3");
        return error;
    }

    /// <summary>LeaveGroup v3 body: group, [member id, instance id].</summary>
    public static byte[] LeaveGroupV3(string groupId, string memberId, string? groupInstanceId = null) =>
        new WireWriter().String(groupId).Int32(1).String(memberId).String(groupInstanceId).ToArray();

    /// <summary>LeaveGroup v3 response: throttle time, top-level error, [member id, instance id, error].</summary>
    public static (short ErrorCode, List<short> MemberErrors) ReadLeaveGroupV3Response(ResponseReader r)
    {
        _ = r.Int32();
        var error = r.Int16();
        var count = r.Int32();
        var errors = new List<short>();
        for (var i = 0; i < count; i++)
        {
            _ = r.String();
            _ = r.String();
            errors.Add(r.Int16());
        }
        ExpectEnd(r, "LeaveGroup v3");
        return (error, errors);
    }

    /// <summary>
    /// OffsetCommit v7 body for one topic: group, generation, member, instance id, [topic, [partition, offset,
    /// leader epoch, metadata]]. Generation -1 with an empty member id is the "simple" (non-member) commit.
    /// </summary>
    public static byte[] OffsetCommitV7(string groupId, int generationId, string memberId, string topic,
        IReadOnlyList<(int Partition, long Offset, string? Metadata)> partitions, string? groupInstanceId = null)
    {
        var w = new WireWriter().String(groupId).Int32(generationId).String(memberId).String(groupInstanceId)
            .Int32(1).String(topic).Int32(partitions.Count);
        foreach (var (partition, offset, metadata) in partitions) w.Int32(partition).Int64(offset).Int32(-1).String(metadata);
        return w.ToArray();
    }

    /// <summary>OffsetCommit v7 response: throttle time, [topic, [partition, error]] flattened to (partition, error).</summary>
    public static List<(int Partition, short ErrorCode)> ReadOffsetCommitV7Response(ResponseReader r)
    {
        _ = r.Int32();
        var results = new List<(int, short)>();
        var topics = r.Int32();
        for (var t = 0; t < topics; t++)
        {
            _ = r.String();
            var partitions = r.Int32();
            for (var p = 0; p < partitions; p++) results.Add((r.Int32(), r.Int16()));
        }
        ExpectEnd(r, "OffsetCommit v7");
        return results;
    }

    /// <summary>OffsetFetch v5 body for one topic: group, [topic, [partition]].</summary>
    public static byte[] OffsetFetchV5(string groupId, string topic, params int[] partitions)
    {
        var w = new WireWriter().String(groupId).Int32(1).String(topic).Int32(partitions.Length);
        foreach (var p in partitions) w.Int32(p);
        return w.ToArray();
    }

    /// <summary>One partition of an OffsetFetch response.</summary>
    public readonly record struct FetchedOffset(int Partition, long Offset, string? Metadata, short ErrorCode);

    /// <summary>OffsetFetch v5 response: throttle time, [topic, [partition, offset, leader epoch, metadata, error]], error.</summary>
    public static (short ErrorCode, List<FetchedOffset> Partitions) ReadOffsetFetchV5Response(ResponseReader r)
    {
        _ = r.Int32();
        var results = new List<FetchedOffset>();
        var topics = r.Int32();
        for (var t = 0; t < topics; t++)
        {
            _ = r.String();
            var partitions = r.Int32();
            for (var p = 0; p < partitions; p++)
            {
                var index = r.Int32();
                var offset = r.Int64();
                _ = r.Int32(); // committed leader epoch
                var metadata = r.String();
                results.Add(new FetchedOffset(index, offset, metadata, r.Int16()));
            }
        }
        var error = r.Int16();
        ExpectEnd(r, "OffsetFetch v5");
        return (error, results);
    }

    private static void ExpectEnd(ResponseReader r, string what)
    {
        if (r.Remaining != 0) throw new InvalidDataException($"{r.Remaining} unexpected trailing bytes in a {what} response");
    }
}
