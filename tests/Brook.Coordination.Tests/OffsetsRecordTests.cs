using Brook.Common;
using Brook.Coordination.Records;

namespace Brook.Coordination.Tests;

public class OffsetsRecordTests
{
    [Fact]
    public void Offset_commit_key_has_kafkas_layout()
    {
        var key = OffsetsRecordKey.EncodeOffsetCommit("g", "t", 3);
        // int16 version 1, int16-length "g", int16-length "t", int32 partition.
        Assert.Equal(new byte[] { 0, 1, 0, 1, (byte)'g', 0, 1, (byte)'t', 0, 0, 0, 3 }, key);
        var parsed = OffsetsRecordKey.Parse(key);
        Assert.Equal(OffsetsRecordType.OffsetCommit, parsed.Type);
        Assert.Equal("g", parsed.GroupId);
        Assert.Equal(new TopicPartition("t", 3), parsed.TopicPartition);

        // Version 0 keys (written by very old brokers) have the same layout.
        var v0 = (byte[])key.Clone();
        v0[1] = 0;
        Assert.Equal(OffsetsRecordType.OffsetCommit, OffsetsRecordKey.Parse(v0).Type);
    }

    [Fact]
    public void Group_metadata_key_has_kafkas_layout()
    {
        var key = OffsetsRecordKey.EncodeGroupMetadata("grp");
        Assert.Equal(new byte[] { 0, 2, 0, 3, (byte)'g', (byte)'r', (byte)'p' }, key);
        var parsed = OffsetsRecordKey.Parse(key);
        Assert.Equal(OffsetsRecordType.GroupMetadata, parsed.Type);
        Assert.Equal("grp", parsed.GroupId);
    }

    [Fact]
    public void Other_key_versions_are_unknown_not_errors()
    {
        // Version 9+ keys are share and streams group records, which Brook does not implement.
        Assert.Equal(OffsetsRecordType.Unknown, OffsetsRecordKey.Parse([0, 9, 0, 1, (byte)'g', 0, 0]).Type);
    }

    [Fact]
    public void Offset_commit_value_v3_has_kafkas_layout()
    {
        var value = new OffsetCommitValue(42, 7, "m", 1000).Encode();
        byte[] expected =
        [
            0, 3,                         // version
            0, 0, 0, 0, 0, 0, 0, 42,      // offset
            0, 0, 0, 7,                   // leader epoch
            0, 1, (byte)'m',              // metadata
            0, 0, 0, 0, 0, 0, 3, 0xe8,    // commit timestamp
        ];
        Assert.Equal(expected, value);
        Assert.Equal(new OffsetCommitValue(42, 7, "m", 1000), OffsetCommitValue.Decode(value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Offset_commit_value_round_trips_in_every_version(short version)
    {
        var original = new OffsetCommitValue(123456789012, 5, "meta-ü", 1_700_000_000_000, version == 1 ? 1_800_000_000_000 : -1);
        var decoded = OffsetCommitValue.Decode(original.Encode(version));
        Assert.Equal(original.Offset, decoded.Offset);
        Assert.Equal(original.Metadata, decoded.Metadata);
        Assert.Equal(original.CommitTimestamp, decoded.CommitTimestamp);
        Assert.Equal(version >= 3 ? 5 : -1, decoded.LeaderEpoch);
        Assert.Equal(version == 1 ? original.ExpireTimestamp : -1, decoded.ExpireTimestamp);
    }

    [Fact]
    public void Offset_commit_value_v4_is_flexible()
    {
        // Hand-made v4: compact string (length+1) and a tagged-field section holding one unknown tag.
        byte[] v4 = [0, 4, 0, 0, 0, 0, 0, 0, 0, 9, 0xff, 0xff, 0xff, 0xff, 3, (byte)'h', (byte)'i', 0, 0, 0, 0, 0, 0, 0, 1, 1, 5, 2, 0xaa, 0xbb];
        var decoded = OffsetCommitValue.Decode(v4);
        Assert.Equal(new OffsetCommitValue(9, -1, "hi", 1), decoded);
        Assert.Equal(decoded, OffsetCommitValue.Decode(decoded.Encode(4)));
    }

    [Fact]
    public void Expire_timestamp_selects_version_one()
    {
        var encoded = new OffsetCommitValue(1, -1, "", 2, ExpireTimestamp: 3).Encode();
        Assert.Equal(1, encoded[1]);
    }

    private static GroupMetadataValue SampleGroup() => new("consumer", 5, "range", "m-1", 1_700_000_000_000,
    [
        new GroupMemberMetadata("m-1", "instance-1", "client-a", "/10.0.0.1", 30_000, 10_000, [1, 2, 3], [4, 5]),
        new GroupMemberMetadata("m-2", null, "client-b", "/10.0.0.2", 60_000, 45_000, [], [6]),
    ]);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Group_metadata_value_round_trips_in_every_version(short version)
    {
        var original = SampleGroup();
        var decoded = GroupMetadataValue.Decode(original.Encode(version));
        Assert.Equal(original.ProtocolType, decoded.ProtocolType);
        Assert.Equal(original.Generation, decoded.Generation);
        Assert.Equal(original.Protocol, decoded.Protocol);
        Assert.Equal(original.Leader, decoded.Leader);
        Assert.Equal(version >= 2 ? original.CurrentStateTimestamp : -1, decoded.CurrentStateTimestamp);
        Assert.Equal(2, decoded.Members.Count);
        for (var i = 0; i < 2; i++)
        {
            var (o, d) = (original.Members[i], decoded.Members[i]);
            Assert.Equal(o.MemberId, d.MemberId);
            Assert.Equal(version >= 3 ? o.GroupInstanceId : null, d.GroupInstanceId);
            Assert.Equal(o.ClientId, d.ClientId);
            Assert.Equal(o.ClientHost, d.ClientHost);
            // v0 has no rebalance timeout: the session timeout stands in.
            Assert.Equal(version >= 1 ? o.RebalanceTimeoutMs : o.SessionTimeoutMs, d.RebalanceTimeoutMs);
            Assert.Equal(o.SessionTimeoutMs, d.SessionTimeoutMs);
            Assert.Equal(o.Subscription, d.Subscription);
            Assert.Equal(o.Assignment, d.Assignment);
        }
    }

    [Fact]
    public void Group_metadata_value_v3_has_kafkas_layout()
    {
        var value = new GroupMetadataValue("c", 1, null, null, 2,
            [new GroupMemberMetadata("m", null, "i", "h", 3, 4, [9], [])]).Encode();
        byte[] expected =
        [
            0, 3,                       // version
            0, 1, (byte)'c',            // protocol type
            0, 0, 0, 1,                 // generation
            0xff, 0xff,                 // protocol: null
            0xff, 0xff,                 // leader: null
            0, 0, 0, 0, 0, 0, 0, 2,     // current state timestamp
            0, 0, 0, 1,                 // one member
            0, 1, (byte)'m',            // member id
            0xff, 0xff,                 // group instance id: null
            0, 1, (byte)'i',            // client id
            0, 1, (byte)'h',            // client host
            0, 0, 0, 3,                 // rebalance timeout
            0, 0, 0, 4,                 // session timeout
            0, 0, 0, 1, 9,              // subscription
            0, 0, 0, 0,                 // assignment: empty
        ];
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Truncated_values_throw_corrupt_message()
    {
        var encoded = SampleGroup().Encode();
        var e = Assert.Throws<KafkaException>(() => GroupMetadataValue.Decode(encoded.AsSpan(0, encoded.Length - 3)));
        Assert.Equal(ErrorCode.CorruptMessage, e.Code);
    }
}
