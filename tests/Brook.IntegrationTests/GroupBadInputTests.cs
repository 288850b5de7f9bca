using Brook.IntegrationTests.Infrastructure;
using Brook.IntegrationTests.Wire;

namespace Brook.IntegrationTests;

/// <summary>
/// Group requests no well-behaved client sends, hand-encoded over raw TCP: stale generations, unknown members,
/// oversized offset metadata, joins without a common protocol. The broker must answer with Kafka's error codes and
/// leave the group exactly as usable as before.
/// </summary>
[Trait("Category", "Broker")]
public sealed class GroupBadInputTests : IClassFixture<GroupBrokerFixture>, IDisposable
{
    private const int Partitions = 2;

    /// <summary>offset.metadata.max.bytes default.</summary>
    private const int OffsetMetadataMaxBytes = 4096;

    private readonly GroupBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;

    public GroupBadInputTests(GroupBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    private BrokerProcess Broker => _fixture.Broker;

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task HeartbeatWithStaleGenerationIsIllegalGeneration()
    {
        using var member = await JoinAloneAsync("stale-hb");
        Assert.Equal(GroupRequests.ErrorNone, await member.HeartbeatAsync());

        Assert.Equal(GroupRequests.ErrorIllegalGeneration, await member.HeartbeatAsync(generationId: member.GenerationId - 1));
        Assert.Equal(GroupRequests.ErrorIllegalGeneration, await member.HeartbeatAsync(generationId: member.GenerationId + 1));

        await AssertGroupStillUsableAsync(member);
    }

    [Fact]
    public async Task RequestsFromUnknownMemberAreRejected()
    {
        using var member = await JoinAloneAsync("unknown");
        const string stranger = "no-such-member-0000";

        Assert.Equal(GroupRequests.ErrorUnknownMemberId, await member.HeartbeatAsync(memberId: stranger));
        var commit = await member.CommitAsync([(0, 5, null)], memberId: stranger);
        Assert.Equal([(0, GroupRequests.ErrorUnknownMemberId)], commit);

        // A JoinGroup naming a member id the group never issued is refused too, without disturbing the real member.
        using (var impostor = await RawGroupMember.ConnectAsync(Broker.Port, member.GroupId, member.Topic))
        {
            var join = await JoinWithIdAsync(impostor, stranger);
            Assert.Equal(GroupRequests.ErrorUnknownMemberId, join.ErrorCode);
        }

        await AssertGroupStillUsableAsync(member);
        var (_, fetched) = await member.FetchOffsetsAsync(0);
        Assert.NotEqual(5, Assert.Single(fetched).Offset); // the stranger's commit left no trace
    }

    [Fact]
    public async Task CommitWithWrongGenerationIsIllegalGeneration()
    {
        using var member = await JoinAloneAsync("stale-commit");

        var stale = await member.CommitAsync([(0, 7, null), (1, 7, null)], generationId: member.GenerationId + 5);
        Assert.Equal([(0, GroupRequests.ErrorIllegalGeneration), (1, GroupRequests.ErrorIllegalGeneration)], stale);
        var (error, fetched) = await member.FetchOffsetsAsync(0, 1);
        Assert.Equal(GroupRequests.ErrorNone, error);
        Assert.All(fetched, f => Assert.Equal(-1, f.Offset));

        await AssertGroupStillUsableAsync(member);
    }

    [Fact]
    public async Task OversizedOffsetMetadataIsRejectedPerPartition()
    {
        using var member = await JoinAloneAsync("metadata");
        var tooLarge = new string('x', OffsetMetadataMaxBytes + 1);
        var largest = new string('y', OffsetMetadataMaxBytes);

        // One request, two partitions: only the oversized one is refused; the other is committed with its metadata.
        var result = await member.CommitAsync([(0, 3, tooLarge), (1, 4, largest)]);
        Assert.Equal([(0, GroupRequests.ErrorOffsetMetadataTooLarge), (1, GroupRequests.ErrorNone)], result);

        var (error, fetched) = await member.FetchOffsetsAsync(0, 1);
        Assert.Equal(GroupRequests.ErrorNone, error);
        Assert.Equal(-1, fetched.Single(f => f.Partition == 0).Offset);
        var p1 = fetched.Single(f => f.Partition == 1);
        Assert.Equal(4, p1.Offset);
        Assert.Equal(largest, p1.Metadata);

        await AssertGroupStillUsableAsync(member);
    }

    [Fact]
    public async Task JoinWithoutCommonProtocolIsInconsistentGroupProtocol()
    {
        using var member = await JoinAloneAsync("protocol");

        using (var other = await RawGroupMember.ConnectAsync(Broker.Port, member.GroupId, member.Topic))
        {
            // The group's only member speaks "range"; a newcomer offering only other assignors cannot be served.
            var join = await other.JoinAsync("roundrobin", "cooperative-sticky");
            Assert.Equal(GroupRequests.ErrorInconsistentGroupProtocol, join.ErrorCode);

            // Same assignor name but a different protocol type ("connect" instead of "consumer") is just as foreign.
            var body = GroupRequests.JoinGroupV5(member.GroupId, "", [(RawGroupMember.Protocol, GroupRequests.Subscription(member.Topic))],
                protocolType: "connect");
            var r = await RawJoinAsync(other, body);
            Assert.Equal(GroupRequests.ErrorInconsistentGroupProtocol, r.ErrorCode);
        }

        // The rejected joins did not start a rebalance: the member's generation is still current.
        await AssertGroupStillUsableAsync(member);
    }

    [Fact]
    public async Task JoinWithoutProtocolsIsInconsistentGroupProtocol()
    {
        var topic = await CreateTopicAsync("noproto");
        using var member = await RawGroupMember.ConnectAsync(Broker.Port, $"grp-noproto-{Guid.NewGuid():N}", topic);

        var noProtocols = await member.JoinAsync();
        Assert.Equal(GroupRequests.ErrorInconsistentGroupProtocol, noProtocols.ErrorCode);
        var emptyType = await RawJoinAsync(member, GroupRequests.JoinGroupV5(member.GroupId, "",
            [(RawGroupMember.Protocol, GroupRequests.Subscription(topic))], protocolType: ""));
        Assert.Equal(GroupRequests.ErrorInconsistentGroupProtocol, emptyType.ErrorCode);

        // The same group id is still free for a proper member.
        var first = await member.JoinAsync(RawGroupMember.Protocol);
        Assert.Equal(GroupRequests.ErrorMemberIdRequired, first.ErrorCode);
    }

    [Fact]
    public async Task LeftMemberIsUnknownAfterwards()
    {
        using var member = await JoinAloneAsync("left");
        var (error, memberErrors) = await member.LeaveAsync();
        Assert.Equal(GroupRequests.ErrorNone, error);
        Assert.Equal([GroupRequests.ErrorNone], memberErrors);

        Assert.Equal(GroupRequests.ErrorUnknownMemberId, await member.HeartbeatAsync());
        Assert.Equal([(0, GroupRequests.ErrorUnknownMemberId)], await member.CommitAsync([(0, 1, null)]));
        await KafkaTestClient.AssertProduceConsumeWorksAsync(_fixture.BootstrapServers);
    }

    private async Task<string> CreateTopicAsync(string label)
    {
        var topic = KafkaTestClient.UniqueTopic("grp-bad-" + label);
        await KafkaTestClient.CreateTopicAsync(_fixture.BootstrapServers, topic, Partitions);
        return topic;
    }

    private async Task<RawGroupMember> JoinAloneAsync(string label)
    {
        var topic = await CreateTopicAsync(label);
        return await RawGroupMember.JoinAloneAsync(Broker.Port, $"grp-bad-{label}-{Guid.NewGuid():N}", topic, Partitions);
    }

    /// <summary>JoinGroup v5 on <paramref name="connection"/>'s group with an explicit member id.</summary>
    private static Task<GroupRequests.JoinGroupResult> JoinWithIdAsync(RawGroupMember connection, string memberId) =>
        RawJoinAsync(connection, GroupRequests.JoinGroupV5(connection.GroupId, memberId,
            [(RawGroupMember.Protocol, GroupRequests.Subscription(connection.Topic))]));

    private static async Task<GroupRequests.JoinGroupResult> RawJoinAsync(RawGroupMember connection, byte[] body) =>
        GroupRequests.ReadJoinGroupV5Response(await connection.CallRawAsync(GroupRequests.JoinGroupKey, GroupRequests.JoinGroupVersion, body));

    /// <summary>
    /// The member is still in the generation it joined: heartbeats succeed, a commit at the current generation is
    /// stored and reads back (null metadata reads back as "", as in Kafka), and the broker still serves ordinary clients.
    /// </summary>
    private async Task AssertGroupStillUsableAsync(RawGroupMember member)
    {
        Assert.Equal(GroupRequests.ErrorNone, await member.HeartbeatAsync());
        Assert.Equal([(0, GroupRequests.ErrorNone), (1, GroupRequests.ErrorNone)],
            await member.CommitAsync([(0, 11, "ok-0"), (1, 12, null)]));
        var (error, fetched) = await member.FetchOffsetsAsync(0, 1);
        Assert.Equal(GroupRequests.ErrorNone, error);
        Assert.Equal([new GroupRequests.FetchedOffset(0, 11, "ok-0", 0), new GroupRequests.FetchedOffset(1, 12, "", 0)],
            fetched.OrderBy(f => f.Partition));
        Assert.Equal(GroupRequests.ErrorNone, await member.HeartbeatAsync());
        await KafkaTestClient.AssertProduceConsumeWorksAsync(_fixture.BootstrapServers);
    }
}
