using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class ListTransactionsCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(ListTransactionsRequest.Api);

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = new ListTransactionsRequest { StateFilters = ["Ongoing", "PrepareCommit"], ProducerIdFilters = [5, 1L << 40], DurationFilter = 60000 };

        var back = CodecTestHelper.RoundTrip(request, version, true);

        Assert.Equal(["Ongoing", "PrepareCommit"], back.StateFilters);
        Assert.Equal([5L, 1L << 40], back.ProducerIdFilters);
        Assert.Equal(version >= 1 ? 60000L : -1L, back.DurationFilter);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var response = new ListTransactionsResponse
        {
            ThrottleTimeMs = 2,
            ErrorCode = 0,
            UnknownStateFilters = ["Bogus"],
            TransactionStates = [new() { TransactionalId = "tx-1", ProducerId = 5, TransactionState = "Ongoing" }, new() { TransactionalId = "tx-2", ProducerId = 6, TransactionState = "Empty" }],
        };

        var back = CodecTestHelper.RoundTrip(response, version, true);

        Assert.Equal((2, (short)0), (back.ThrottleTimeMs, back.ErrorCode));
        Assert.Equal(["Bogus"], back.UnknownStateFilters);
        Assert.Equal([("tx-1", 5L, "Ongoing"), ("tx-2", 6L, "Empty")], back.TransactionStates.Select(t => (t.TransactionalId, t.ProducerId, t.TransactionState)));
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var request = new ListTransactionsRequest { StateFilters = ["Ongoing"], ProducerIdFilters = [5], DurationFilter = 1000 };
        var expected = Hex("02 08 4F6E676F696E67 02 0000000000000005 00"); // states ["Ongoing"], producers [5], no duration in v0, tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, true));
        Assert.Equal(-1L, Decode<ListTransactionsRequest>(expected, 0, true).DurationFilter);
    }

    [Fact]
    public void RequestV1GoldenBytes()
    {
        var request = new ListTransactionsRequest { StateFilters = ["Ongoing"], DurationFilter = 1000 };
        var expected = Hex("02 08 4F6E676F696E67 01 00000000000003E8 00"); // states ["Ongoing"], no producer filter, duration 1000, tags
        Assert.Equal(expected, CodecTestHelper.Encode(request, 1, true));
        Assert.Equal(1000L, Decode<ListTransactionsRequest>(expected, 1, true).DurationFilter);
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var response = new ListTransactionsResponse
        {
            UnknownStateFilters = ["Bogus"],
            TransactionStates = [new() { TransactionalId = "tx", ProducerId = 5, TransactionState = "Ongoing" }],
        };
        var expected = Hex(
            "00000000 0000" +           // throttle, error
            "02 06 426F677573" +        // unknown filters: ["Bogus"]
            "02 03 7478 0000000000000005 08 4F6E676F696E67 00" + // "tx", producer 5, "Ongoing", tags
            "00");                      // tags
        Assert.Equal(expected, CodecTestHelper.Encode(response, 1, true));
        Assert.Equal("tx", Decode<ListTransactionsResponse>(expected, 1, true).TransactionStates[0].TransactionalId);
    }
}
