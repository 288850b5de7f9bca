using Brook.Common;
using Brook.Protocol.Messages;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

public class BrokerRegistrationCodecTests
{
    public static TheoryData<short> Versions => VersionsOf(BrokerRegistrationRequest.Api);
    private static readonly Uuid LogDir = new(0x1111111111111111, 0x2222222222222222);
    private const string LogDirHex = "1111111111111111 2222222222222222";

    [Fact]
    public void EveryVersionIsFlexible()
    {
        Assert.Equal((short)4, BrokerRegistrationRequest.Api.MaxVersion);
        foreach (var version in new short[] { 0, 1, 2, 3, 4 }) Assert.True(BrokerRegistrationRequest.Api.IsFlexible(version));
    }

    private static BrokerRegistrationRequest SampleRequest() => new()
    {
        BrokerId = 1,
        ClusterId = "c",
        IncarnationId = SampleId,
        Listeners = [new() { Name = "P", Host = "h", Port = 9092, SecurityProtocol = 0 }],
        Features = [new() { Name = "m", MinSupportedVersion = 1, MaxSupportedVersion = 20 }, new() { Name = "k", MinSupportedVersion = 0, MaxSupportedVersion = 1 }],
        Rack = null,
        IsMigratingZkBroker = false,
        LogDirs = [LogDir],
        PreviousBrokerEpoch = 42,
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public void RequestRoundTrips(short version)
    {
        var request = SampleRequest();
        request.Rack = "r1";
        request.IsMigratingZkBroker = true;

        var back = CodecTestHelper.RoundTrip(request, version, true);

        Assert.Equal((1, "c", SampleId, "r1"), (back.BrokerId, back.ClusterId, back.IncarnationId, back.Rack));
        Assert.Equal(request.Listeners, back.Listeners);
        // Below v4 a feature whose minimum is 0 is left out, as older controllers refuse it (KAFKA-17011).
        Assert.Equal(version >= 4 ? ["m", "k"] : ["m"], back.Features.Select(f => f.Name).ToList());
        Assert.Equal(new RegistrationFeature { Name = "m", MinSupportedVersion = 1, MaxSupportedVersion = 20 }, back.Features[0]);
        Assert.Equal(version >= 1, back.IsMigratingZkBroker);
        Assert.Equal(version >= 2 ? [LogDir] : new List<Uuid>(), back.LogDirs);
        Assert.Equal(version >= 3 ? 42 : -1, back.PreviousBrokerEpoch);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ResponseRoundTrips(short version)
    {
        var back = CodecTestHelper.RoundTrip(new BrokerRegistrationResponse { ThrottleTimeMs = 1, ErrorCode = 0, BrokerEpoch = 10 }, version, true);
        Assert.Equal((1, (short)0, 10L), (back.ThrottleTimeMs, back.ErrorCode, back.BrokerEpoch));
        Assert.Equal(-1, new BrokerRegistrationResponse().BrokerEpoch);
    }

    [Fact]
    public void RequestV0GoldenBytes()
    {
        var expected = Hex(
            "00000001" +            // broker id 1
            "02 63" +               // cluster id "c"
            SampleIdHex +           // incarnation id
            "02 02 50 02 68 2384 0000 00" + // listeners: "P" at "h":9092 (uint16), PLAINTEXT, tags
            "02 02 6D 0001 0014 00" + // features: only "m" 1-20 ("k" has minimum 0 and is left out below v4)
            "00" +                  // rack: null
            "00");                  // tags; nothing else before v1
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 0, true));
        var back = Decode<BrokerRegistrationRequest>(expected, 0, true);
        Assert.Null(back.Rack);
        Assert.Empty(back.LogDirs);
        Assert.Equal(-1, back.PreviousBrokerEpoch);
    }

    [Fact]
    public void RequestV4GoldenBytes()
    {
        var expected = Hex(
            "00000001 02 63" + SampleIdHex +
            "02 02 50 02 68 2384 0000 00" +  // listeners
            "03 02 6D 0001 0014 00 02 6B 0000 0001 00" + // features: "m" 1-20 and "k" 0-1
            "00" +                  // rack: null
            "00" +                  // not migrating from ZooKeeper (v1+)
            "02" + LogDirHex +      // log dirs: 1 (v2+)
            "000000000000002A" +    // previous broker epoch 42 (v3+)
            "00");                  // tags
        Assert.Equal(expected, CodecTestHelper.Encode(SampleRequest(), 4, true));
        var back = Decode<BrokerRegistrationRequest>(expected, 4, true);
        Assert.Equal(2, back.Features.Count);
        Assert.Equal(LogDir, Assert.Single(back.LogDirs));
    }

    [Fact]
    public void ResponseGoldenBytes()
    {
        var expected = Hex("00000000 0000 000000000000000A 00"); // throttle, error, broker epoch 10, tags
        var response = new BrokerRegistrationResponse { BrokerEpoch = 10 };
        Assert.Equal(expected, CodecTestHelper.Encode(response, 0, true));
        Assert.Equal(expected, CodecTestHelper.Encode(response, 4, true));
        Assert.Equal(10, Decode<BrokerRegistrationResponse>(expected, 4, true).BrokerEpoch);
    }
}
