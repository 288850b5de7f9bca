using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Protocol.Tests.Records;

public class AllocationTests
{
    private static long WalkAll(ReadOnlySpan<byte> batch, PooledBufferWriter scratch)
    {
        long sum = 0;
        foreach (var r in RecordReader.ForBatch(batch, scratch))
        {
            sum += r.Key.Length + r.Value.Length + r.Offset;
            foreach (var h in r.Headers) sum += h.Key.Length + h.Value.Length;
        }
        return sum;
    }

    [Fact]
    public void IteratingRecordsAllocatesNothing()
    {
        var records = Enumerable.Range(0, 500)
            .Select(i => new TestRecord(RecordTestData.BaseTime + i, [(byte)i], new byte[20], [new("h", [1])]))
            .ToArray();
        var batch = RecordTestData.Build(records);
        using var scratch = new PooledBufferWriter();
        WalkAll(batch, scratch); // warm up (JIT)
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sum = WalkAll(batch, scratch);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(sum > 0);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ValidatingAnUncompressedBatchAllocatesOnlyTheResult()
    {
        var records = Enumerable.Range(0, 500)
            .Select(i => new TestRecord(RecordTestData.BaseTime + i, [(byte)i], new byte[20], [new("h", [1])]))
            .ToArray();
        var batch = RecordTestData.Build(records);
        RecordBatchValidator.Validate(batch, 1 << 20); // warm up (JIT)
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = RecordBatchValidator.Validate(batch, 1 << 20);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(result.IsValid);
        Assert.True(allocated < 256, $"{allocated} bytes allocated for 500 records");
    }
}
