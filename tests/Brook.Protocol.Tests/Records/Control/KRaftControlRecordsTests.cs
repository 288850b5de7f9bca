using Brook.Common;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;
using Brook.Protocol.Records.Control;
using static Brook.Protocol.Tests.Messages.GoldenBytes;

namespace Brook.Protocol.Tests.Records.Control;

public class KRaftControlRecordsTests
{
    private static LeaderChangeMessage LeaderChange(short version) => new()
    {
        Version = version,
        LeaderId = 1,
        Voters = [new() { VoterId = 1, VoterDirectoryId = SampleId }, new() { VoterId = 2 }, new() { VoterId = 3 }],
        GrantingVoters = [new() { VoterId = 1, VoterDirectoryId = SampleId }, new() { VoterId = 2 }],
    };

    private static VotersRecord Voters() => new()
    {
        Voters =
        [
            new()
            {
                VoterId = 1, VoterDirectoryId = SampleId,
                Endpoints = [new() { Name = "CTL", Host = "h", Port = 9093 }],
                KRaftVersionFeature = new() { MinSupportedVersion = 0, MaxSupportedVersion = 1 },
            },
        ],
    };

    [Fact]
    public void ControlRecordTypesAreKafkas()
    {
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], Enum.GetValues<ControlRecordType>().Select(t => (int)t));
        Assert.False(KRaftControlRecords.IsKRaftType(ControlRecordType.Commit));
        Assert.True(KRaftControlRecords.IsKRaftType(ControlRecordType.KRaftVoters));
        Assert.Equal(ControlRecordType.LeaderChange, new LeaderChangeMessage().Type);
        Assert.Equal(ControlRecordType.SnapshotHeader, new SnapshotHeaderRecord().Type);
        Assert.Equal(ControlRecordType.SnapshotFooter, new SnapshotFooterRecord().Type);
        Assert.Equal(ControlRecordType.KRaftVersion, new KRaftVersionRecord().Type);
        Assert.Equal(ControlRecordType.KRaftVoters, new VotersRecord().Type);
    }

    [Fact]
    public void LeaderChangeV0GoldenBytes()
    {
        var expected = Hex(
            "0000" +                // version 0
            "00000001" +            // leader 1
            "04 00000001 00 00000002 00 00000003 00" + // voters 1, 2, 3 (no directory ids before v1), each with tags
            "03 00000001 00 00000002 00" + // granting voters 1, 2
            "00");                  // tags
        Assert.Equal(expected, KRaftControlRecords.EncodeValue(LeaderChange(0)));
        var back = KRaftControlRecords.DecodeValue<LeaderChangeMessage>(expected);
        Assert.Equal((short)0, back.Version);
        Assert.Equal([(1, Uuid.Zero), (2, Uuid.Zero), (3, Uuid.Zero)], back.Voters.Select(v => (v.VoterId, v.VoterDirectoryId)));
    }

    [Fact]
    public void LeaderChangeV1GoldenBytes()
    {
        var message = LeaderChange(1);
        message.Voters.RemoveRange(1, 2);
        message.GrantingVoters.RemoveAt(1);
        var expected = Hex(
            "0001" +                // version 1
            "00000001" +            // leader 1
            "02 00000001" + SampleIdHex + "00" + // voters: 1 with its directory id
            "02 00000001" + SampleIdHex + "00" + // granting voters: 1
            "00");                  // tags
        Assert.Equal(expected, KRaftControlRecords.EncodeValue(message));
        Assert.Equal(SampleId, KRaftControlRecords.DecodeValue<LeaderChangeMessage>(expected).GrantingVoters[0].VoterDirectoryId);
    }

    [Theory]
    [InlineData((short)0)]
    [InlineData((short)1)]
    public void LeaderChangeRoundTripsInEveryVersion(short version)
    {
        var back = (LeaderChangeMessage)KRaftControlRecords.DecodeValue(ControlRecordType.LeaderChange, KRaftControlRecords.EncodeValue(LeaderChange(version)));
        Assert.Equal((version, 1), (back.Version, back.LeaderId));
        Assert.Equal([1, 2, 3], back.Voters.Select(v => v.VoterId));
        Assert.Equal([1, 2], back.GrantingVoters.Select(v => v.VoterId));
        Assert.Equal(version >= 1 ? SampleId : Uuid.Zero, back.Voters[0].VoterDirectoryId);
    }

    [Fact]
    public void SnapshotHeaderFooterAndKRaftVersionGoldenBytes()
    {
        var header = Hex("0000 0000018BCFE56800 00"); // version 0, last contained log timestamp 1700000000000, tags
        Assert.Equal(header, KRaftControlRecords.EncodeValue(new SnapshotHeaderRecord { LastContainedLogTimestamp = 1_700_000_000_000 }));
        Assert.Equal(1_700_000_000_000, KRaftControlRecords.DecodeValue<SnapshotHeaderRecord>(header).LastContainedLogTimestamp);

        var footer = Hex("0000 00"); // version 0, tags
        Assert.Equal(footer, KRaftControlRecords.EncodeValue(new SnapshotFooterRecord()));
        Assert.IsType<SnapshotFooterRecord>(KRaftControlRecords.DecodeValue(ControlRecordType.SnapshotFooter, footer));

        var kraftVersion = Hex("0000 0001 00"); // version 0, kraft.version 1, tags
        Assert.Equal(kraftVersion, KRaftControlRecords.EncodeValue(new KRaftVersionRecord { KRaftVersion = 1 }));
        Assert.Equal((short)1, ((KRaftVersionRecord)KRaftControlRecords.DecodeValue(ControlRecordType.KRaftVersion, kraftVersion)).KRaftVersion);
    }

    [Fact]
    public void VotersGoldenBytes()
    {
        var expected = Hex(
            "0000" +                // version 0
            "02" +                  // voters: 1
            "00000001" + SampleIdHex + // voter 1 and its directory id
            "02 04 43544C 02 68 2385 00" + // endpoints: "CTL" at "h":9093, tags
            "0000 0001 00" +        // kraft.version feature 0-1, tags
            "00" +                  // voter tags
            "00");                  // tags
        Assert.Equal(expected, KRaftControlRecords.EncodeValue(Voters()));
        var back = (VotersRecord)KRaftControlRecords.DecodeValue(ControlRecordType.KRaftVoters, expected);
        var voter = Assert.Single(back.Voters);
        Assert.Equal((1, SampleId), (voter.VoterId, voter.VoterDirectoryId));
        Assert.Equal(new ListenerEndpoint { Name = "CTL", Host = "h", Port = 9093 }, Assert.Single(voter.Endpoints));
        Assert.Equal(new VotersRecord.KRaftVersionFeature { MinSupportedVersion = 0, MaxSupportedVersion = 1 }, voter.KRaftVersionFeature);
    }

    [Fact]
    public void UnknownVersionsAndTrailingBytesAreRefused()
    {
        Assert.Throws<ProtocolException>(() => KRaftControlRecords.DecodeValue<LeaderChangeMessage>(Hex("0002 00000001 01 01 00")));
        Assert.Throws<ProtocolException>(() => KRaftControlRecords.DecodeValue<SnapshotFooterRecord>(Hex("FFFF 00")));
        Assert.Throws<ProtocolException>(() => KRaftControlRecords.DecodeValue<SnapshotFooterRecord>(Hex("0000 00 00")));
        Assert.Throws<ProtocolException>(() => KRaftControlRecords.DecodeValue<SnapshotFooterRecord>(Hex("00")));
        Assert.Throws<ProtocolException>(() => KRaftControlRecords.DecodeValue(ControlRecordType.Commit, Hex("0000 00000005")));
        Assert.Throws<ProtocolException>(() => KRaftControlRecords.EncodeValue(new VotersRecord { Version = 1 }));
    }

    [Fact]
    public void SnapshotStartBatchHasKafkasShape()
    {
        var values = new IControlRecordValue[]
        {
            new SnapshotHeaderRecord { LastContainedLogTimestamp = 1_700_000_000_000 },
            new KRaftVersionRecord { KRaftVersion = 1 },
            Voters(),
        };
        var batch = KRaftControlRecords.BuildBatch(baseOffset: 0, partitionLeaderEpoch: 3, timestamp: 1_700_000_000_123, values);

        var h = new RecordBatchHeader(batch);
        Assert.True(h.IsControl);
        Assert.False(h.IsTransactional);
        Assert.Equal(CompressionType.None, h.Compression);
        Assert.Equal((RecordBatchHeader.NoProducerId, RecordBatchHeader.NoProducerEpoch, RecordBatchHeader.NoSequence),
            (h.ProducerId, h.ProducerEpoch, h.BaseSequence));
        Assert.Equal(3, h.PartitionLeaderEpoch);
        Assert.Equal(3, h.RecordCount);
        Assert.Equal(RecordBatchHeader.ComputeCrc(batch), h.Crc);

        var read = new List<(long Offset, ControlRecordType Type, byte[] Value)>();
        foreach (var r in RecordReader.ForBatch(batch))
        {
            Assert.True(ControlRecord.TryReadType(r.Key, out var type));
            Assert.Equal(new byte[] { 0, 0, 0, (byte)type }, r.Key.ToArray()); // key version 0, then the type
            read.Add((r.Offset, type, r.Value.ToArray()));
        }
        Assert.Equal([0L, 1L, 2L], read.Select(r => r.Offset));
        Assert.Equal([ControlRecordType.SnapshotHeader, ControlRecordType.KRaftVersion, ControlRecordType.KRaftVoters], read.Select(r => r.Type));
        Assert.Equal(KRaftControlRecords.EncodeValue(Voters()), read[2].Value);
        var header = (SnapshotHeaderRecord)KRaftControlRecords.DecodeValue(read[0].Type, read[0].Value);
        Assert.Equal(1_700_000_000_000, header.LastContainedLogTimestamp);
    }

    [Fact]
    public void LeaderChangeBatchNeedsTheLeaderEpoch()
    {
        Assert.Throws<ArgumentException>(() =>
            KRaftControlRecords.BuildBatch(0, RecordBatchHeader.NoPartitionLeaderEpoch, 0, LeaderChange(0)));
        var batch = KRaftControlRecords.BuildBatch(baseOffset: 10, partitionLeaderEpoch: 5, timestamp: 0, LeaderChange(0));
        var h = new RecordBatchHeader(batch);
        Assert.Equal((10L, 5, 1), (h.BaseOffset, h.PartitionLeaderEpoch, h.RecordCount));
        Assert.Throws<ArgumentException>(() => KRaftControlRecords.BuildBatch(0, 1, 0));
    }
}
