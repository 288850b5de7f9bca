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
}
