using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class JoinGroupCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(JoinGroupRequest.Api);
    private static bool Flexible(short version) => JoinGroupRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new JoinGroupRequest
        {
            GroupId = "group",
            SessionTimeoutMs = 10000,
            RebalanceTimeoutMs = 30000,
            MemberId = "m1",
            GroupInstanceId = "instance",
            ProtocolType = "consumer",
            Protocols = [new() { Name = "range", Metadata = new byte[] { 1, 2, 3 } }, new() { Name = "roundrobin" }],
            Reason = "rejoin",
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(("group", 10000, "m1", "consumer"), (back.GroupId, back.SessionTimeoutMs, back.MemberId, back.ProtocolType));
        // v0 has no rebalance timeout: the session timeout stands in for it.
        Assert.Equal(version >= 1 ? 30000 : 10000, back.RebalanceTimeoutMs);
        Assert.Equal(version >= 5 ? "instance" : null, back.GroupInstanceId);
        Assert.Equal(version >= 8 ? "rejoin" : null, back.Reason);
        Assert.Equal(2, back.Protocols.Count);
        Assert.Equal("range", back.Protocols[0].Name);
        Assert.Equal(new byte[] { 1, 2, 3 }, back.Protocols[0].Metadata.ToArray());
        Assert.Equal("roundrobin", back.Protocols[1].Name);
        Assert.True(back.Protocols[1].Metadata.IsEmpty);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new JoinGroupResponse
        {
            ThrottleTimeMs = 5,
            GenerationId = 3,
            ProtocolType = "consumer",
            ProtocolName = "range",
            Leader = "m1",
            SkipAssignment = true,
            MemberId = "m2",
            Members = [new() { MemberId = "m1", GroupInstanceId = "i1", Metadata = new byte[] { 9 } }, new() { MemberId = "m2" }],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(version >= 2 ? 5 : 0, back.ThrottleTimeMs);
        Assert.Equal(((short)0, 3, "range", "m1", "m2"), (back.ErrorCode, back.GenerationId, back.ProtocolName, back.Leader, back.MemberId));
        Assert.Equal(version >= 7 ? "consumer" : null, back.ProtocolType);
        Assert.Equal(version >= 9, back.SkipAssignment);
        Assert.Equal(2, back.Members.Count);
        Assert.Equal("m1", back.Members[0].MemberId);
        Assert.Equal(version >= 5 ? "i1" : null, back.Members[0].GroupInstanceId);
        Assert.Equal(new byte[] { 9 }, back.Members[0].Metadata.ToArray());
        Assert.Equal("m2", back.Members[1].MemberId);
    }

    [Fact]
    public void NullProtocolNameIsEmptyBeforeV7()
    {
        var response = new JoinGroupResponse { ErrorCode = 25, ProtocolName = null };
        Assert.Equal("", CodecTestHelper.RoundTrip(response, 6, true).ProtocolName);
        Assert.Null(CodecTestHelper.RoundTrip(response, 7, true).ProtocolName);
    }

    [Fact]
    public void RequestV1GoldenBytes()
    {
        var request = new JoinGroupRequest
        {
            GroupId = "g",
            SessionTimeoutMs = 10000,
            RebalanceTimeoutMs = 30000,
            ProtocolType = "consumer",
            Protocols = [new() { Name = "range", Metadata = new byte[] { 1, 2 } }],
        };
        var expected = Hex(
            "0001 67" +                 // group "g"
            "00002710" +                // session timeout 10000
            "00007530" +                // rebalance timeout 30000
            "0000" +                    // member id ""
            "0008 636F6E73756D6572" +   // "consumer"
            "00000001" +                // 1 protocol
            "0005 72616E6765" +         // "range"
            "00000002 0102");           // metadata
        Assert.Equal(expected, CodecTestHelper.Encode(request, 1, false));
        var back = Decode<JoinGroupRequest>(expected, 1, false);
        Assert.Equal(30000, back.RebalanceTimeoutMs);
        Assert.Equal(new byte[] { 1, 2 }, back.Protocols[0].Metadata.ToArray());
    }

    [Fact]
    public void RequestV8GoldenBytes()
    {
        var request = new JoinGroupRequest
        {
            GroupId = "g",
            SessionTimeoutMs = 10000,
            RebalanceTimeoutMs = 30000,
            ProtocolType = "consumer",
            Protocols = [new() { Name = "range", Metadata = new byte[] { 1, 2 } }],
            Reason = "r",
        };
        var expected = Hex(
            "02 67" +                   // compact "g"
            "00002710 00007530" +
            "01" +                      // member id ""
            "00" +                      // group instance id null
            "09 636F6E73756D6572" +     // "consumer"
            "02" +                      // 1 protocol
            "06 72616E6765" +           // "range"
            "03 0102" +                 // compact bytes
            "00" +                      // protocol tags
            "02 72" +                   // reason "r"
            "00");                      // request tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 8, true));
        var back = Decode<JoinGroupRequest>(expected, 8, true);
        Assert.Null(back.GroupInstanceId);
        Assert.Equal("r", back.Reason);
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var response = new JoinGroupResponse
        {
            GenerationId = 1,
            ProtocolName = "range",
            Leader = "m",
            MemberId = "m",
            Members = [new() { MemberId = "m", Metadata = new byte[] { 7 } }],
        };
        var expected = Hex(
            "0000" +                    // error (no throttle before v2)
            "00000001" +                // generation
            "0005 72616E6765" +         // protocol name
            "0001 6D" +                 // leader
            "0001 6D" +                 // member id
            "00000001" +                // 1 member
            "0001 6D 00000001 07");     // "m", metadata
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal("range", Decode<JoinGroupResponse>(expected, 0, false).ProtocolName);
    }

    [Fact]
    public void ResponseV9GoldenBytes()
    {
        var response = new JoinGroupResponse
        {
            GenerationId = 1,
            ProtocolType = "consumer",
            ProtocolName = "range",
            Leader = "m",
            SkipAssignment = true,
            MemberId = "m",
            Members = [new() { MemberId = "m", Metadata = new byte[] { 7 } }],
        };
        var expected = Hex(
            "00000000" +                // throttle
            "0000 00000001" +           // error, generation
            "09 636F6E73756D6572" +     // protocol type "consumer"
            "06 72616E6765" +           // protocol name "range"
            "02 6D" +                   // leader
            "01" +                      // skip assignment
            "02 6D" +                   // member id
            "02" +                      // 1 member
            "02 6D 00 02 07 00" +       // "m", instance null, metadata, tags
            "00");
        Assert.Equal(expected, CodecTestHelper.Encode(response, 9, true));
        Assert.True(Decode<JoinGroupResponse>(expected, 9, true).SkipAssignment);
    }
}
