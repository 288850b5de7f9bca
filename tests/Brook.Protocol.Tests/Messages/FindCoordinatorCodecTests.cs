using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class FindCoordinatorCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(FindCoordinatorRequest.Api);
    private static bool Flexible(short version) => FindCoordinatorRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        // v0-3 carry one key; v4+ a batch.
        List<string> keys = version >= 4 ? ["group-a", "group-b"] : ["group-a"];
        var request = new FindCoordinatorRequest { KeyType = FindCoordinatorRequest.KeyTypeTransaction, CoordinatorKeys = keys };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(keys, back.CoordinatorKeys);
        Assert.Equal(version >= 1 ? (sbyte)1 : (sbyte)0, back.KeyType);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var found = new FindCoordinatorResponse.Coordinator { Key = "group-a", NodeId = 2, Host = "b2", Port = 9093, ErrorCode = 0, ErrorMessage = "ok" };
        var missing = new FindCoordinatorResponse.Coordinator { Key = "group-b", NodeId = -1, Host = "", Port = -1, ErrorCode = 15 };
        var response = new FindCoordinatorResponse
        {
            ThrottleTimeMs = 3,
            Coordinators = version >= 4 ? [found, missing] : [found],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(version >= 1 ? 3 : 0, back.ThrottleTimeMs);
        Assert.Equal(version >= 4 ? 2 : 1, back.Coordinators.Count);
        var c = back.Coordinators[0];
        Assert.Equal(version >= 4 ? "group-a" : "", c.Key); // v0-3 answers do not echo the key
        Assert.Equal((2, "b2", 9093, (short)0), (c.NodeId, c.Host, c.Port, c.ErrorCode));
        Assert.Equal(version >= 1 ? "ok" : null, c.ErrorMessage);
        if (version >= 4)
        {
            var m = back.Coordinators[1];
            Assert.Equal(("group-b", -1, "", -1, (short)15, (string?)null), (m.Key, m.NodeId, m.Host, m.Port, m.ErrorCode, m.ErrorMessage));
        }
    }

    [Fact]
    public void OldVersionsRequireExactlyOneKey()
    {
        var request = new FindCoordinatorRequest { CoordinatorKeys = ["a", "b"] };
        Assert.Throws<InvalidOperationException>(() => CodecTestHelper.Encode(request, 3, true));
        Assert.Throws<InvalidOperationException>(() => CodecTestHelper.Encode(new FindCoordinatorResponse(), 2, false));
    }

    [Fact]
    public void RequestV1GoldenBytes()
    {
        var request = new FindCoordinatorRequest { CoordinatorKeys = ["g"], KeyType = FindCoordinatorRequest.KeyTypeTransaction };
        var expected = Hex("0001 67 01"); // key "g", key type 1
        Assert.Equal(expected, CodecTestHelper.Encode(request, 1, false));
        Assert.Equal(Hex("0001 67"), CodecTestHelper.Encode(request, 0, false));
        var back = Decode<FindCoordinatorRequest>(expected, 1, false);
        Assert.Equal(["g"], back.CoordinatorKeys);
        Assert.Equal((sbyte)1, back.KeyType);
    }

    [Fact]
    public void RequestV3AndV4GoldenBytes()
    {
        Assert.Equal(Hex("02 67 00 00"), CodecTestHelper.Encode(new FindCoordinatorRequest { CoordinatorKeys = ["g"] }, 3, true));
        var batched = new FindCoordinatorRequest { CoordinatorKeys = ["a", "b"] };
        var expected = Hex("00 03 02 61 02 62 00"); // key type 0, keys ["a","b"], tags
        Assert.Equal(expected, CodecTestHelper.Encode(batched, 4, true));
        Assert.Equal(["a", "b"], Decode<FindCoordinatorRequest>(expected, 4, true).CoordinatorKeys);
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var response = new FindCoordinatorResponse { Coordinators = [new() { NodeId = 1, Host = "h", Port = 9092 }] };
        var expected = Hex("0000 00000001 0001 68 00002384"); // error 0, node 1, "h", 9092
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal("h", Decode<FindCoordinatorResponse>(expected, 0, false).Coordinators[0].Host);
    }

    [Fact]
    public void ResponseV4GoldenBytes()
    {
        var response = new FindCoordinatorResponse { Coordinators = [new() { Key = "g", NodeId = 1, Host = "h", Port = 9092 }] };
        var expected = Hex(
            "00000000" +                           // throttle
            "02" +                                 // coordinators: 1
            "02 67 00000001 02 68 00002384 0000 00 00" + // "g", node 1, "h", 9092, error 0, message null, tags
            "00");                                 // tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 4, true));
        Assert.Equal("g", Decode<FindCoordinatorResponse>(expected, 4, true).Coordinators[0].Key);
    }
}
