namespace Brook.IntegrationTests.Wire;

/// <summary>
/// A classic-protocol group member driven by hand over one raw connection, for requests a real client never sends
/// (stale generations, unknown member ids, oversized metadata). Knows its member id and generation after joining.
/// </summary>
public sealed class RawGroupMember : IDisposable
{
    /// <summary>The assignor name the raw members advertise (any name works; the leader does the assigning).</summary>
    public const string Protocol = "range";

    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(15);

    private readonly RawKafkaConnection _connection;
    private int _correlationId;

    private RawGroupMember(RawKafkaConnection connection, string groupId, string topic)
    {
        _connection = connection;
        GroupId = groupId;
        Topic = topic;
    }

    public string GroupId { get; }

    public string Topic { get; }

    public string MemberId { get; private set; } = "";

    public int GenerationId { get; private set; } = -1;

    /// <summary>
    /// Joins <paramref name="groupId"/> as its only member (KIP-394 dance: an empty member id gets MEMBER_ID_REQUIRED
    /// with an id to rejoin with), becomes leader and syncs an assignment giving itself every partition.
    /// </summary>
    public static async Task<RawGroupMember> JoinAloneAsync(int port, string groupId, string topic, int partitions)
    {
        var member = new RawGroupMember(await RawKafkaConnection.ConnectAsync(port).ConfigureAwait(false), groupId, topic);
        try
        {
            var first = await member.JoinAsync(Protocol).ConfigureAwait(false);
            if (first.ErrorCode != GroupRequests.ErrorMemberIdRequired || first.MemberId.Length == 0)
            {
                throw new InvalidOperationException($"first JoinGroup: expected MEMBER_ID_REQUIRED with an id, got {first}");
            }
            member.MemberId = first.MemberId;
            var joined = await member.JoinAsync(Protocol).ConfigureAwait(false);
            if (joined.ErrorCode != GroupRequests.ErrorNone || joined.Leader != member.MemberId)
            {
                throw new InvalidOperationException($"second JoinGroup: expected success as leader, got {joined}");
            }
            member.GenerationId = joined.GenerationId;
            var (syncError, assignment) = await member.SyncAsync(
                [(member.MemberId, GroupRequests.Assignment(topic, Enumerable.Range(0, partitions).ToArray()))]).ConfigureAwait(false);
            if (syncError != GroupRequests.ErrorNone) throw new InvalidOperationException($"SyncGroup failed with error {syncError}");
            if (assignment.Length == 0) throw new InvalidOperationException("SyncGroup returned an empty assignment to the leader");
            return member;
        }
        catch
        {
            member.Dispose();
            throw;
        }
    }

    /// <summary>Opens a connection for a member that has not joined yet (or never will).</summary>
    public static async Task<RawGroupMember> ConnectAsync(int port, string groupId, string topic) =>
        new(await RawKafkaConnection.ConnectAsync(port).ConfigureAwait(false), groupId, topic);

    /// <summary>JoinGroup v5 with this member's current id and the given protocol names (all carrying the same subscription).</summary>
    public async Task<GroupRequests.JoinGroupResult> JoinAsync(params string[] protocols)
    {
        var subscription = GroupRequests.Subscription(Topic);
        var body = GroupRequests.JoinGroupV5(GroupId, MemberId, protocols.Select(p => (p, subscription)).ToList());
        var r = await CallRawAsync(GroupRequests.JoinGroupKey, GroupRequests.JoinGroupVersion, body).ConfigureAwait(false);
        return GroupRequests.ReadJoinGroupV5Response(r);
    }

    public async Task<(short ErrorCode, byte[] Assignment)> SyncAsync(IReadOnlyList<(string MemberId, byte[] Assignment)> assignments)
    {
        var body = GroupRequests.SyncGroupV3(GroupId, GenerationId, MemberId, assignments);
        return GroupRequests.ReadSyncGroupV3Response(
            await CallRawAsync(GroupRequests.SyncGroupKey, GroupRequests.SyncGroupVersion, body).ConfigureAwait(false));
    }

    /// <summary>Heartbeat; generation and member id default to this member's own.</summary>
    public async Task<short> HeartbeatAsync(int? generationId = null, string? memberId = null)
    {
        var body = GroupRequests.HeartbeatV3(GroupId, generationId ?? GenerationId, memberId ?? MemberId);
        return GroupRequests.ReadHeartbeatV3Response(
            await CallRawAsync(GroupRequests.HeartbeatKey, GroupRequests.HeartbeatVersion, body).ConfigureAwait(false));
    }

    /// <summary>OffsetCommit for this member's topic; generation and member id default to this member's own.</summary>
    public async Task<List<(int Partition, short ErrorCode)>> CommitAsync(IReadOnlyList<(int Partition, long Offset, string? Metadata)> offsets,
        int? generationId = null, string? memberId = null)
    {
        var body = GroupRequests.OffsetCommitV7(GroupId, generationId ?? GenerationId, memberId ?? MemberId, Topic, offsets);
        return GroupRequests.ReadOffsetCommitV7Response(
            await CallRawAsync(GroupRequests.OffsetCommitKey, GroupRequests.OffsetCommitVersion, body).ConfigureAwait(false));
    }

    public async Task<(short ErrorCode, List<GroupRequests.FetchedOffset> Partitions)> FetchOffsetsAsync(params int[] partitions)
    {
        var body = GroupRequests.OffsetFetchV5(GroupId, Topic, partitions);
        return GroupRequests.ReadOffsetFetchV5Response(
            await CallRawAsync(GroupRequests.OffsetFetchKey, GroupRequests.OffsetFetchVersion, body).ConfigureAwait(false));
    }

    public async Task<(short ErrorCode, List<short> MemberErrors)> LeaveAsync()
    {
        var body = GroupRequests.LeaveGroupV3(GroupId, MemberId);
        return GroupRequests.ReadLeaveGroupV3Response(
            await CallRawAsync(GroupRequests.LeaveGroupKey, GroupRequests.LeaveGroupVersion, body).ConfigureAwait(false));
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>Sends any non-flexible request body on this member's connection and returns the response reader.</summary>
    public Task<ResponseReader> CallRawAsync(short apiKey, short version, byte[] body) =>
        _connection.CallAsync(apiKey, version, ++_correlationId, body, ReplyTimeout);
}
