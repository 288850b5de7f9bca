using System.Text;
using Brook.Protocol.Records;

namespace Brook.Storage.Tests;

public sealed class LogScannerTests : LogTestBase
{
    private static byte[] Batch(CompressionType codec, params (string? Key, string? Value)[] records)
    {
        using var builder = new RecordBatchBuilder(codec);
        foreach (var (k, v) in records)
            builder.Add(1000, k is null ? null : Encoding.UTF8.GetBytes(k), v is null ? null : Encoding.UTF8.GetBytes(v));
        return builder.Build();
    }

    [Fact]
    public void VisitsEveryRecordInOrderAcrossCodecsAndSegments()
    {
        using var log = Open(LogConfig.Default with { SegmentBytes = 200 });
        AppendOk(log, Batch(CompressionType.None, ("a", "1"), ("b", "2")));
        AppendOk(log, Batch(CompressionType.Zstd, ("a", null), (null, "3")));
        AppendOk(log, Batch(CompressionType.Lz4, ("c", "4")));
        var seen = new List<string>();
        var count = LogScanner.Scan(log, log.LogEndOffset, (offset, key, keyNull, value, valueNull) =>
            seen.Add($"{offset}:{(keyNull ? "null" : Encoding.UTF8.GetString(key))}={(valueNull ? "null" : Encoding.UTF8.GetString(value))}"));
        Assert.Equal(5, count);
        Assert.Equal(["0:a=1", "1:b=2", "2:a=null", "3:null=3", "4:c=4"], seen);
        Assert.True(log.SegmentBaseOffsets.Count > 1);
    }

    [Fact]
    public void StopsAtTheGivenEndOffset()
    {
        using var log = Open();
        AppendOk(log, Batch(CompressionType.None, ("a", "1"), ("b", "2"), ("c", "3")));
        var offsets = new List<long>();
        LogScanner.Scan(log, 2, (offset, _, _, _, _) => offsets.Add(offset));
        Assert.Equal([0L, 1L], offsets);
    }

    [Fact]
    public void ScansOnFromAGivenOffsetToCatchUpWithAppends()
    {
        using var log = Open();
        AppendOk(log, Batch(CompressionType.None, ("a", "1"), ("b", "2"), ("c", "3")));
        var offsets = new List<long>();
        LogScanner.BatchRecordVisitor visit = (in LogScanner.BatchContext _, long offset, ReadOnlySpan<byte> _, bool _, ReadOnlySpan<byte> _, bool _) =>
            offsets.Add(offset);
        // A start inside a batch skips the batch's earlier records.
        Assert.Equal(2, LogScanner.Scan(log, 1, log.LogEndOffset, visit));
        var end = log.LogEndOffset;
        AppendOk(log, Batch(CompressionType.Zstd, ("d", "4"), ("e", "5")));
        Assert.Equal(2, LogScanner.Scan(log, end, log.LogEndOffset, visit));
        Assert.Equal([1L, 2L, 3L, 4L], offsets);
    }
}
