using Brook.Common;
using Brook.Coordination.Records;

namespace Brook.Coordination.Tests;

/// <summary>KIP-848 records: their layouts, and replay rebuilding consumer groups after a restart.</summary>
public class ConsumerGroupPersistenceTests
{
    private static string Snapshot(DescribedConsumerGroup d) =>
        $"{d.Error} {d.State} {d.GroupEpoch}/{d.AssignmentEpoch} {d.AssignorName} [" + string.Join(";", d.Members.OrderBy(m => m.MemberId).Select(m =>
            $"{m.MemberId}/{m.InstanceId}/{m.MemberEpoch}/{m.ClientId}/{m.ClientHost}/{string.Join(",", m.SubscribedTopicNames)}/{m.SubscribedTopicRegex}/" +
            string.Join(",", m.Assignment.Select(t => $"{t.TopicName}:{string.Join(".", t.Partitions)}")) + "/" +
            string.Join(",", m.TargetAssignment.Select(t => $"{t.TopicName}:{string.Join(".", t.Partitions)}")))) + "]";

    [Fact]
    public async Task Replaying_the_log_restores_consumer_groups_with_their_epochs_and_assignments()
    {
        using var source = new ConsumerGroupHarness();
        source.Topics.Add("t", 6);
        var a = source.NewConsumer("g", "instance-a", null, "t");
        var b = source.NewConsumer("g", "t");
        var c = source.NewConsumer("g", "t");
        await source.Join(a);
        await source.Join(b);
        await source.Join(c);
        await source.Converge("g");
        await source.Leave(c);
        await source.Converge("g");
        await source.Coordinator.CommitOffsetsAsync(new OffsetCommitArgs
            { GroupId = "g", GenerationId = a.Epoch, MemberId = a.MemberId, Offsets = [new OffsetCommitEntry("t", 1, 100)] });
        // A second group left mid-reconciliation: its in-between state must come back too.
        var x = source.NewConsumer("mid", "t");
        var y = source.NewConsumer("mid", "t");
        await source.Join(x);
        await source.Join(y);
        await source.Beat(x);
        // And one that emptied, and one that was deleted.
        var gone = source.NewConsumer("emptied", "t");
        await source.Join(gone);
        await source.Leave(gone);
        var deleted = source.NewConsumer("deleted", "t");
        await source.Join(deleted);
        await source.Leave(deleted);
        Assert.Equal(ErrorCode.None, (await source.Coordinator.DeleteGroupsAsync(["deleted"]))[0].Error);

        using var fresh = source.Reload();
        foreach (var g in new[] { "g", "mid", "emptied", "deleted" })
            Assert.Equal(Snapshot(source.Describe(g)), Snapshot(fresh.Describe(g)));
        Assert.Equal(GroupState.Reconciling, fresh.Describe("mid").State);
        Assert.Equal(GroupState.Empty, fresh.Describe("emptied").State);
        Assert.Equal(ErrorCode.GroupIdNotFound, fresh.Describe("deleted").Error);
        Assert.Equal(source.Coordinator.ListGroups().Groups, fresh.Coordinator.ListGroups().Groups);
        Assert.Equal(100, fresh.Coordinator.FetchOffsets(new OffsetFetchArgs("g", null)).Offsets.Single().Offset);

        // Members carry on with their epochs, and reconciliation continues where it stopped.
        foreach (var consumer in new[] { a, b, x, y }) fresh.Consumers.Add(consumer);
        Assert.Equal(ErrorCode.None, (await fresh.Beat(a)).Error);
        Assert.Equal(ErrorCode.None, (await fresh.Beat(b)).Error);
        var mid = await fresh.Converge("mid");
        Assert.Equal(3, x.Owned.Count);
        Assert.Equal(3, y.Owned.Count);
        Assert.Equal(2, mid.GroupEpoch);

        // Members that never come back are removed when their session, restarted at load, runs out.
        fresh.Advance(ConsumerGroupHarness.SessionTimeoutMs + 1);
        Assert.Equal(GroupState.Empty, fresh.Describe("g").State);
        Assert.Equal(GroupState.Empty, fresh.Describe("mid").State);

        // A second restart sees the removals too.
        using var again = fresh.Reload();
        Assert.Equal(Snapshot(fresh.Describe("g")), Snapshot(again.Describe("g")));
    }

    [Fact]
    public void Keys_have_kafkas_versions_and_fields()
    {
        var key = OffsetsRecordKey.EncodeConsumerGroupMemberMetadata("grp", "m1");
        Assert.Equal(new byte[] { 0, 5, 0, 3, (byte)'g', (byte)'r', (byte)'p', 0, 2, (byte)'m', (byte)'1' }, key);
        var parsed = OffsetsRecordKey.Parse(key);
        Assert.Equal((OffsetsRecordType.ConsumerGroupMemberMetadata, "grp", "m1"), (parsed.Type, parsed.GroupId, parsed.MemberId));

        Assert.Equal(new byte[] { 0, 3, 0, 1, (byte)'g' }, OffsetsRecordKey.EncodeConsumerGroupMetadata("g"));
        Assert.Equal(OffsetsRecordType.ConsumerGroupTargetAssignmentMetadata, OffsetsRecordKey.Parse(OffsetsRecordKey.EncodeConsumerGroupTargetAssignmentMetadata("g")).Type);
        Assert.Equal(OffsetsRecordType.ConsumerGroupTargetAssignmentMember, OffsetsRecordKey.Parse(OffsetsRecordKey.EncodeConsumerGroupTargetAssignmentMember("g", "m")).Type);
        Assert.Equal(OffsetsRecordType.ConsumerGroupCurrentMemberAssignment, OffsetsRecordKey.Parse(OffsetsRecordKey.EncodeConsumerGroupCurrentMemberAssignment("g", "m")).Type);
        Assert.Equal(OffsetsRecordType.ConsumerGroupPartitionMetadata, OffsetsRecordKey.Parse(OffsetsRecordKey.EncodeConsumerGroupPartitionMetadata("g")).Type);
    }

    [Fact]
    public void Values_round_trip_and_use_kafkas_flexible_layout()
    {
        // ConsumerGroupMetadataValue v0: int16 version, int32 epoch, tagged fields (0 = none).
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 7, 0 }, new ConsumerGroupMetadataValue(7, 0).Encode());
        var withHash = ConsumerGroupMetadataValue.Decode(new ConsumerGroupMetadataValue(7, 0x0102030405060708).Encode());
        Assert.Equal(new ConsumerGroupMetadataValue(7, 0x0102030405060708), withHash);

        var member = new ConsumerGroupMemberMetadataValue("inst", null, "client", "/10.0.0.1", ["a", "b"], "x.*", 30_000, "range");
        Assert.True(member.SameAs(ConsumerGroupMemberMetadataValue.Decode(member.Encode())));

        var t1 = Uuid.NewRandom();
        var t2 = Uuid.NewRandom();
        var assigned = PartitionAssignment.From([(t1, 2), (t1, 0), (t2, 5)]);
        var pending = PartitionAssignment.From([(t2, 1)]);
        var current = new ConsumerGroupCurrentMemberAssignmentValue(4, 3, ConsumerMemberState.UnrevokedPartitions, assigned, pending);
        Assert.Equal(current, ConsumerGroupCurrentMemberAssignmentValue.Decode(current.Encode()));

        var target = new ConsumerGroupTargetAssignmentMemberValue(assigned);
        Assert.Equal(assigned, ConsumerGroupTargetAssignmentMemberValue.Decode(target.Encode()).TopicPartitions);
        Assert.Equal(9, ConsumerGroupTargetAssignmentMetadataValue.Decode(new ConsumerGroupTargetAssignmentMetadataValue(9).Encode()).AssignmentEpoch);

        // Target member value: version, compact array (1 topic + 1), uuid, compact int32 array, tags, tags.
        var single = new ConsumerGroupTargetAssignmentMemberValue(PartitionAssignment.From([(t1, 3)])).Encode();
        Assert.Equal(2 + 1 + 16 + 1 + 4 + 1 + 1, single.Length);
        Assert.Equal(2, single[2]);
    }
}
