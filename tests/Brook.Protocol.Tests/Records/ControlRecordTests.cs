using Brook.Protocol.Records;

namespace Brook.Protocol.Tests.Records;

public class ControlRecordTests
{
    [Theory]
    [InlineData(ControlRecordType.Commit)]
    [InlineData(ControlRecordType.Abort)]
    public void EndTxnMarkerBatchHasKafkasShape(ControlRecordType type)
    {
        var batch = ControlRecord.BuildEndTxnMarkerBatch(type, producerId: 99, producerEpoch: 4, coordinatorEpoch: 12,
            timestamp: 1_700_000_000_123, baseOffset: 500, partitionLeaderEpoch: 3);
        var h = new RecordBatchHeader(batch);
        Assert.True(h.IsControl);
        Assert.True(h.IsTransactional);
        Assert.Equal(CompressionType.None, h.Compression);
        Assert.Equal(99, h.ProducerId);
        Assert.Equal((short)4, h.ProducerEpoch);
        Assert.Equal(RecordBatchHeader.NoSequence, h.BaseSequence);
        Assert.Equal(500, h.BaseOffset);
        Assert.Equal(3, h.PartitionLeaderEpoch);
        Assert.Equal(1, h.RecordCount);
        Assert.Equal(0, h.LastOffsetDelta);
        Assert.Equal(RecordBatchHeader.ComputeCrc(batch), h.Crc);

        var count = 0;
        foreach (var r in RecordReader.ForBatch(batch))
        {
            Assert.Equal(new byte[] { 0, 0, 0, (byte)type }, r.Key.ToArray());
            Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 12 }, r.Value.ToArray());
            Assert.True(ControlRecord.TryReadType(r.Key, out var readType));
            Assert.Equal(type, readType);
            Assert.True(ControlRecord.TryReadCoordinatorEpoch(r.Value, out var epoch));
            Assert.Equal(12, epoch);
            Assert.Equal(500, r.Offset);
            Assert.Equal(0, r.HeaderCount);
            count++;
        }
        Assert.Equal(1, count);
    }

    [Fact]
    public void ReadersRefuseShortOrNegativeVersions()
    {
        Assert.False(ControlRecord.TryReadType([0, 0, 0], out _));
        Assert.False(ControlRecord.TryReadType([0xff, 0xff, 0, 1], out _));
        Assert.False(ControlRecord.TryReadCoordinatorEpoch([0, 0, 0, 0, 1], out _));
        // A newer key version with extra bytes still yields its type.
        Assert.True(ControlRecord.TryReadType([0, 1, 0, 1, 9, 9], out var t));
        Assert.Equal(ControlRecordType.Commit, t);
    }

    [Fact]
    public void OnlyCommitAndAbortAreMarkers() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ControlRecord.BuildEndTxnMarkerBatch((ControlRecordType)2, 1, 0, 0, 0));
}
