using Brook.Common;
using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class DeleteTopicsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(DeleteTopicsRequest.Api);
    private static bool Flexible(short version) => DeleteTopicsRequest.Api.IsFlexible(version);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new DeleteTopicsRequest
        {
            Topics = [new() { Name = "orders", TopicId = SampleId }, new() { Name = "payments" }],
            TimeoutMs = 15000,
        };

        var back = CodecTestHelper.RoundTrip(request, version, Flexible(version));

        Assert.Equal(15000, back.TimeoutMs);
        Assert.Equal(["orders", "payments"], back.Topics.Select(t => t.Name));
        Assert.Equal(version >= 6 ? SampleId : Uuid.Zero, back.Topics[0].TopicId);
        Assert.Equal(Uuid.Zero, back.Topics[1].TopicId);
    }

    [Fact]
    public void RequestV6DeletesById()
    {
        var request = new DeleteTopicsRequest { Topics = [new() { Name = null, TopicId = SampleId }] };
        var back = CodecTestHelper.RoundTrip(request, 6, true);
        Assert.Null(back.Topics[0].Name);
        Assert.Equal(SampleId, back.Topics[0].TopicId);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new DeleteTopicsResponse
        {
            ThrottleTimeMs = 8,
            Responses =
            [
                new() { Name = "orders", TopicId = SampleId, ErrorCode = 0 },
                new() { Name = "locked", ErrorCode = 73, ErrorMessage = "deletion disabled" },
            ],
        };

        var back = CodecTestHelper.RoundTrip(response, version, Flexible(version));

        Assert.Equal(version >= 1 ? 8 : 0, back.ThrottleTimeMs);
        Assert.Equal(2, back.Responses.Count);
        Assert.Equal(("orders", (short)0, (string?)null), (back.Responses[0].Name, back.Responses[0].ErrorCode, back.Responses[0].ErrorMessage));
        Assert.Equal(version >= 6 ? SampleId : Uuid.Zero, back.Responses[0].TopicId);
        Assert.Equal(("locked", (short)73), (back.Responses[1].Name, back.Responses[1].ErrorCode));
        Assert.Equal(version >= 5 ? "deletion disabled" : null, back.Responses[1].ErrorMessage);
    }

    [Fact]
    public void ResponseV6AllowsNullName()
    {
        var response = new DeleteTopicsResponse { Responses = [new() { Name = null, TopicId = SampleId, ErrorCode = 100 }] };
        Assert.Null(CodecTestHelper.RoundTrip(response, 6, true).Responses[0].Name);
    }

    [Fact]
    public void RequestV1GoldenBytes()
    {
        var request = new DeleteTopicsRequest { Topics = [new() { Name = "a" }, new() { Name = "b" }], TimeoutMs = 500 };
        var expected = Hex("00000002 0001 61 0001 62 000001F4");
        Assert.Equal(expected, CodecTestHelper.Encode(request, 1, false));
        Assert.Equal(["a", "b"], Decode<DeleteTopicsRequest>(expected, 1, false).Topics.Select(t => t.Name));
    }

    [Fact]
    public void RequestV6GoldenBytes()
    {
        var request = new DeleteTopicsRequest { Topics = [new() { Name = null, TopicId = SampleId }], TimeoutMs = 500 };
        var expected = Hex(
            "02" +                    // topics: 1
            "00" + SampleIdHex + "00" + // name null, id, tags
            "000001F4" +              // timeout 500
            "00");                    // tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 6, true));
        Assert.Equal(SampleId, Decode<DeleteTopicsRequest>(expected, 6, true).Topics[0].TopicId);
    }

    [Fact]
    public void ResponseV0GoldenBytes()
    {
        var response = new DeleteTopicsResponse { Responses = [new() { Name = "a", ErrorCode = 3 }] };
        var expected = Hex("00000001 0001 61 0003");
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, false));
        Assert.Equal((short)3, Decode<DeleteTopicsResponse>(expected, 0, false).Responses[0].ErrorCode);
    }

    [Fact]
    public void ResponseV5GoldenBytes()
    {
        var response = new DeleteTopicsResponse { ThrottleTimeMs = 1, Responses = [new() { Name = "a", ErrorCode = 89, ErrorMessage = "q" }] };
        var expected = Hex(
            "00000001" +           // throttle 1
            "02" +                 // responses: 1
            "02 61 0059 02 71 00" + // "a", error 89, message "q", tags
            "00");                 // tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 5, true));
        Assert.Equal("q", Decode<DeleteTopicsResponse>(expected, 5, true).Responses[0].ErrorMessage);
    }
}
