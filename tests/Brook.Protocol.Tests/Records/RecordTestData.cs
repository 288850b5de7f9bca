using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Protocol.Tests.Records;

/// <summary>A record as plain data, for comparing what was built with what was read back.</summary>
internal sealed record TestRecord(long Timestamp, byte[]? Key, byte[]? Value, RecordHeader[] Headers);

internal static class RecordTestData
{
    public const long BaseTime = 1_700_000_000_000;

    /// <summary>Null and empty keys and values, headers with null values, non-ASCII header keys, out-of-order timestamps.</summary>
    public static TestRecord[] Mixed() =>
    [
        new(BaseTime, "key-0"u8.ToArray(), "value-0"u8.ToArray(), []),
        new(BaseTime + 5, null, "value with null key"u8.ToArray(), [new("h1", "v1"u8.ToArray())]),
        new(BaseTime - 3, "tombstone"u8.ToArray(), null, []),
        new(BaseTime + 1000, [], [], [new("empty", []), new("null", null), new("ключ", [0, 1, 2, 255])]),
        new(BaseTime + 7, null, null, []),
        new(BaseTime + 2, "big"u8.ToArray(), Enumerable.Range(0, 5000).Select(i => (byte)(i % 13)).ToArray(), []),
    ];

    public static byte[] Build(TestRecord[] records, CompressionType codec = CompressionType.None, Action<RecordBatchBuilder>? configure = null)
    {
        using var builder = new RecordBatchBuilder(codec);
        configure?.Invoke(builder);
        foreach (var r in records) builder.Add(r.Timestamp, r.Key, r.Value, r.Headers);
        return builder.Build();
    }

    public static List<TestRecord> ReadAll(ReadOnlySpan<byte> batch, List<long>? offsets = null)
    {
        using var scratch = new PooledBufferWriter();
        var list = new List<TestRecord>();
        foreach (var r in RecordReader.ForBatch(batch, scratch))
        {
            var headers = new List<RecordHeader>();
            foreach (var h in r.Headers) headers.Add(new RecordHeader(h.GetKeyString(), h.IsValueNull ? null : h.Value.ToArray()));
            Assert.Equal(r.HeaderCount, headers.Count);
            list.Add(new TestRecord(r.Timestamp, r.IsKeyNull ? null : r.Key.ToArray(), r.IsValueNull ? null : r.Value.ToArray(), [.. headers]));
            offsets?.Add(r.Offset);
        }
        return list;
    }

    public static void AssertSameRecords(IReadOnlyList<TestRecord> expected, IReadOnlyList<TestRecord> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Assert.Equal(e.Timestamp, a.Timestamp);
            AssertBytes(e.Key, a.Key);
            AssertBytes(e.Value, a.Value);
            Assert.Equal(e.Headers.Length, a.Headers.Length);
            for (var h = 0; h < e.Headers.Length; h++)
            {
                Assert.Equal(e.Headers[h].Key, a.Headers[h].Key);
                AssertBytes(e.Headers[h].Value, a.Headers[h].Value);
            }
        }
    }

    private static void AssertBytes(byte[]? expected, byte[]? actual)
    {
        if (expected is null) { Assert.Null(actual); return; }
        Assert.NotNull(actual);
        Assert.Equal(expected, actual);
    }
}
