using Brook.Protocol.Messages;
using Brook.Protocol.Records.Control;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Messages;

/// <summary>AddRaftVoter, RemoveRaftVoter and UpdateRaftVoter (KIP-853): version 0 only, flexible, golden bytes.</summary>
public class RaftVoterChangeCodecTests
{
    private const string SampleIdHex = "0102030405060708 090A0B0C0D0E0F10";
    // One listener: name "C", host "h", port 9093, tags.
    private const string ListenerHex = "02 0243 0268 2385 00";

    private static ListenerEndpoint Listener() => new() { Name = "C", Host = "h", Port = 9093 };

    [Fact]
    public void EachIsV0FlexibleWithKafkasKey()
    {
        foreach (var (api, key) in new[]
                 {
                     (AddRaftVoterRequest.Api, 80), (RemoveRaftVoterRequest.Api, 81), (UpdateRaftVoterRequest.Api, 82),
                 })
        {
            Assert.Equal((key, (short)0, (short)0), ((int)api.Key, api.MinVersion, api.MaxVersion));
            Assert.True(api.IsFlexible(0));
        }
    }

    [Fact]
    public void AddRaftVoterRequestGoldenBytesAndRoundTrip()
    {
        var request = new AddRaftVoterRequest { ClusterId = "c", TimeoutMs = 30000, VoterId = 4, VoterDirectoryId = SampleId, Listeners = [Listener()] };
        var expected = Hex($"0263 00007530 00000004 {SampleIdHex} {ListenerHex} 00");
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, true));
        var back = Decode<AddRaftVoterRequest>(expected, 0, true);
        Assert.Equal(("c", 30000, 4, SampleId), (back.ClusterId, back.TimeoutMs, back.VoterId, back.VoterDirectoryId));
        Assert.Equal(Listener(), Assert.Single(back.Listeners));
    }

    [Fact]
    public void RemoveRaftVoterRequestGoldenBytesWithNullClusterId()
    {
        var request = new RemoveRaftVoterRequest { ClusterId = null, VoterId = 3, VoterDirectoryId = SampleId };
        var expected = Hex($"00 00000003 {SampleIdHex} 00");
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, true));
        var back = Decode<RemoveRaftVoterRequest>(expected, 0, true);
        Assert.Equal(((string?)null, 3, SampleId), (back.ClusterId, back.VoterId, back.VoterDirectoryId));
    }

    [Fact]
    public void AddAndRemoveResponsesCarryErrorAndMessage()
    {
        var add = new AddRaftVoterResponse { ErrorCode = 126, ErrorMessage = "dup" };
        Assert.Equal(Hex("00000000 007E 04 647570 00"), CodecTestHelper.Encode(add, 0, true));
        var addBack = CodecTestHelper.RoundTrip(add, 0, true);
        Assert.Equal(((short)126, "dup"), (addBack.ErrorCode, addBack.ErrorMessage));

        var remove = new RemoveRaftVoterResponse { ThrottleTimeMs = 1, ErrorCode = 127 };
        Assert.Equal(Hex("00000001 007F 00 00"), CodecTestHelper.Encode(remove, 0, true));
        Assert.Null(CodecTestHelper.RoundTrip(remove, 0, true).ErrorMessage);
    }

    [Fact]
    public void UpdateRaftVoterRequestGoldenBytesAndRoundTrip()
    {
        var request = new UpdateRaftVoterRequest
        {
            ClusterId = "c", CurrentLeaderEpoch = 7, VoterId = 2, VoterDirectoryId = SampleId, Listeners = [Listener()],
            KRaftVersionFeature = new VotersRecord.KRaftVersionFeature { MinSupportedVersion = 0, MaxSupportedVersion = 1 },
        };
        var expected = Hex($"0263 00000007 00000002 {SampleIdHex} {ListenerHex} 0000 0001 00 00");
        Assert.Equal(expected, CodecTestHelper.Encode(request, 0, true));
        var back = Decode<UpdateRaftVoterRequest>(expected, 0, true);
        Assert.Equal((7, 2, (short)1), (back.CurrentLeaderEpoch, back.VoterId, back.KRaftVersionFeature.MaxSupportedVersion));
        Assert.Equal(Listener(), Assert.Single(back.Listeners));
    }

    [Fact]
    public void UpdateRaftVoterResponseSendsTheLeaderOnlyAsTaggedFieldZero()
    {
        Assert.Equal(Hex("00000000 0000 00"), CodecTestHelper.Encode(new UpdateRaftVoterResponse(), 0, true));
        Assert.Null(Decode<UpdateRaftVoterResponse>(Hex("00000000 0000 00"), 0, true).CurrentLeader);

        var withLeader = new UpdateRaftVoterResponse
        {
            ErrorCode = 6,
            CurrentLeader = new UpdateRaftVoterResponse.LeaderInfo { LeaderId = 1, LeaderEpoch = 5, Host = "h", Port = 9093 },
        };
        // One tagged field: tag 0, 15 bytes (id, epoch, host, int32 port, tags).
        var expected = Hex("00000000 0006 01 00 0F 00000001 00000005 0268 00002385 00");
        Assert.Equal(expected, CodecTestHelper.Encode(withLeader, 0, true));
        var leader = Decode<UpdateRaftVoterResponse>(expected, 0, true).CurrentLeader!;
        Assert.Equal((1, 5, "h", 9093), (leader.LeaderId, leader.LeaderEpoch, leader.Host, leader.Port));
    }
}
