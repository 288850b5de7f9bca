using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Storage.Tests;

public sealed class AppendReadTests : LogTestBase
{
    [Fact]
    public void Offsets_are_assigned_contiguously_and_stamped_in_place()
    {
        using var log = Open();
        Assert.Equal(0, log.LogStartOffset);
        Assert.Equal(0, log.LogEndOffset);

        var r1 = AppendOk(log, TestBatches.Build(5));
        var r2 = AppendOk(log, TestBatches.Build(1));
        var r3 = AppendOk(log, TestBatches.Concat(TestBatches.Build(3), TestBatches.Build(2)));

        Assert.Equal((0, 4), (r1.FirstOffset, r1.LastOffset));
        Assert.Equal((5, 5), (r2.FirstOffset, r2.LastOffset));
        Assert.Equal((6, 10), (r3.FirstOffset, r3.LastOffset));
        Assert.Equal(-1, r1.LogAppendTime);
        Assert.Equal(11, log.LogEndOffset);

        var batches = ReadAll(log);
        Assert.Equal([0L, 5, 6, 9], batches.Select(b => b.BaseOffset));
        Assert.Equal([4L, 5, 8, 10], batches.Select(b => b.LastOffset));
        foreach (var (_, _, bytes) in batches)
        {
            var header = new RecordBatchHeader(bytes);
            Assert.Equal(3, header.PartitionLeaderEpoch);
            Assert.False(header.IsLogAppendTime);
        }
    }

    [Fact]
    public void The_callers_buffer_is_stamped_and_the_crc_stays_valid()
    {
        using var log = Open();
        AppendOk(log, TestBatches.Build(2));
        var set = TestBatches.Build(4);
        AppendOk(log, set);
        var header = new RecordBatchHeader(set);
        Assert.Equal(2, header.BaseOffset);
        Assert.Equal(header.Crc, RecordBatchHeader.ComputeCrc(set));
    }

    [Fact]
    public void Log_append_time_sets_the_attribute_and_max_timestamp_and_rewrites_the_crc()
    {
        using var log = Open();
        var result = AppendOk(log, TestBatches.Build(3, baseTimestamp: 10), logAppendTime: 5555);
        Assert.Equal(5555, result.LogAppendTime);

        var (_, _, bytes) = Assert.Single(ReadAll(log)); // Parse checks the CRC
        var header = new RecordBatchHeader(bytes);
        Assert.True(header.IsLogAppendTime);
        Assert.Equal(5555, header.MaxTimestamp);
        Assert.Equal(10, header.BaseTimestamp);
    }

    [Fact]
    public void Read_from_the_middle_returns_the_batch_holding_the_offset()
    {
        using var log = Open();
        for (var i = 0; i < 10; i++) AppendOk(log, TestBatches.Build(3));

        var result = log.Read(17, 1 << 20, long.MaxValue, minOneBatch: false);
        Assert.Equal(ErrorCode.None, result.Error);
        var batches = TestBatches.Parse(result.Records.ToBytes());
        Assert.Equal(15, batches[0].BaseOffset);
        Assert.Equal(29, batches[^1].LastOffset);
        Assert.Equal(15, ((FileRecordSet)result.Records).FirstBatchOffset);
        Assert.Equal(30, result.LogEndOffset);
    }

    [Fact]
    public void Max_bytes_limits_whole_batches_and_min_one_batch_overrides_it()
    {
        using var log = Open();
        var size = TestBatches.Build(4).Length;
        for (var i = 0; i < 6; i++) AppendOk(log, TestBatches.Build(4));

        var two = log.Read(0, size * 2 + size / 2, long.MaxValue, minOneBatch: false);
        Assert.Equal(2 * size, two.Records.SizeInBytes);

        var exact = log.Read(4, size * 3, long.MaxValue, minOneBatch: false);
        Assert.Equal([4L, 8, 12], TestBatches.Parse(exact.Records.ToBytes()).Select(b => b.BaseOffset));

        var tooSmall = log.Read(0, size - 1, long.MaxValue, minOneBatch: false);
        Assert.Equal(ErrorCode.None, tooSmall.Error);
        Assert.Equal(0, tooSmall.Records.SizeInBytes);

        var one = log.Read(0, 1, long.MaxValue, minOneBatch: true);
        Assert.Equal(size, one.Records.SizeInBytes);
    }

    [Fact]
    public void Max_offset_stops_before_batches_that_are_not_visible()
    {
        using var log = Open();
        for (var i = 0; i < 5; i++) AppendOk(log, TestBatches.Build(4)); // 0-3, 4-7, ...

        var upTo10 = log.Read(0, 1 << 20, maxOffsetExclusive: 10, minOneBatch: true);
        Assert.Equal([0L, 4], TestBatches.Parse(upTo10.Records.ToBytes()).Select(b => b.BaseOffset));

        var straddling = log.Read(8, 1 << 20, maxOffsetExclusive: 10, minOneBatch: true);
        Assert.Equal(0, straddling.Records.SizeInBytes);

        var atLimit = log.Read(12, 1 << 20, maxOffsetExclusive: 12, minOneBatch: true);
        Assert.Equal(0, atLimit.Records.SizeInBytes);
    }

    [Fact]
    public void Offsets_outside_the_log_are_out_of_range_and_the_end_is_empty()
    {
        using var log = Open();
        AppendOk(log, TestBatches.Build(3));
        Assert.Equal(ErrorCode.OffsetOutOfRange, log.Read(4, 1000, long.MaxValue, true).Error);
        Assert.Equal(ErrorCode.OffsetOutOfRange, log.Read(-1, 1000, long.MaxValue, true).Error);
        var atEnd = log.Read(3, 1000, long.MaxValue, true);
        Assert.Equal(ErrorCode.None, atEnd.Error);
        Assert.Equal(0, atEnd.Records.SizeInBytes);
    }

    [Fact]
    public void Reads_with_a_dense_index_match_a_brute_force_walk()
    {
        var config = LogConfig.Default with { IndexIntervalBytes = 150 };
        using var log = Open(config);
        var random = new Random(7);
        for (var i = 0; i < 200; i++) AppendOk(log, TestBatches.Build(random.Next(1, 5), valueSize: random.Next(0, 60)));
        var all = ReadAll(log);
        Assert.Equal(log.LogEndOffset, all[^1].LastOffset + 1);

        for (var trial = 0; trial < 300; trial++)
        {
            var offset = random.NextInt64(0, log.LogEndOffset);
            var maxBytes = random.Next(1, 3000);
            var maxOffset = random.Next(0, 3) == 0 ? random.NextInt64(offset, log.LogEndOffset + 1) : long.MaxValue;
            var minOne = random.Next(2) == 0;

            var expected = new List<long>();
            var used = 0;
            foreach (var (baseOffset, lastOffset, bytes) in all)
            {
                if (lastOffset < offset) continue;
                if (lastOffset >= maxOffset) break;
                if (used + bytes.Length > maxBytes && !(expected.Count == 0 && minOne)) break;
                expected.Add(baseOffset);
                used += bytes.Length;
                if (used > maxBytes) break;
            }
            if (offset >= maxOffset) expected.Clear();

            var result = log.Read(offset, maxBytes, maxOffset, minOne);
            Assert.Equal(expected, TestBatches.Parse(result.Records.ToBytes()).Select(b => b.BaseOffset));
        }
    }

    [Fact]
    public void Framing_errors_and_oversized_batches_are_rejected_without_appending()
    {
        using var log = Open(LogConfig.Default with { MaxMessageBytes = 500 });
        var truncated = TestBatches.Build(2)[..70];
        Assert.Equal(ErrorCode.CorruptMessage, Append(log, truncated).Error);
        Assert.Equal(ErrorCode.MessageTooLarge, Append(log, TestBatches.Build(20, valueSize: 50)).Error);
        Assert.Equal(0, log.LogEndOffset);

        var empty = Append(log, []);
        Assert.Equal(ErrorCode.None, empty.Error);
        Assert.Equal(-1, empty.FirstOffset);
    }

    [Fact]
    public void Flush_advances_the_recovery_point_and_flush_messages_flushes_by_itself()
    {
        using (var log = Open())
        {
            AppendOk(log, TestBatches.Build(3));
            Assert.Equal(0, log.RecoveryPoint);
            log.Flush();
            Assert.Equal(3, log.RecoveryPoint);
            log.Delete();
        }
        Assert.False(Directory.Exists(Dir));

        using var autoFlushed = Open(LogConfig.Default with { FlushIntervalMessages = 5 });
        AppendOk(autoFlushed, TestBatches.Build(3));
        Assert.Equal(0, autoFlushed.RecoveryPoint);
        AppendOk(autoFlushed, TestBatches.Build(3));
        Assert.Equal(6, autoFlushed.RecoveryPoint);
    }

    [Fact]
    public async Task Concurrent_readers_see_consistent_batches_while_appending()
    {
        using var log = Open(LogConfig.Default with { SegmentBytes = 4000, IndexIntervalBytes = 200 });
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var random = new Random();
            while (!stop.IsCancellationRequested)
            {
                var end = log.LogEndOffset;
                if (end == 0) continue;
                var offset = random.NextInt64(0, end);
                var result = log.Read(offset, 2000, long.MaxValue, true);
                Assert.Equal(ErrorCode.None, result.Error);
                var batches = TestBatches.Parse(result.Records.ToBytes());
                Assert.NotEmpty(batches);
                Assert.True(batches[0].BaseOffset <= offset && offset <= batches[0].LastOffset);
                for (var i = 1; i < batches.Count; i++) Assert.Equal(batches[i - 1].LastOffset + 1, batches[i].BaseOffset);
            }
        })).ToArray();
        for (var i = 0; i < 400; i++) AppendOk(log, TestBatches.Build(1 + i % 4));
        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.True(log.SegmentBaseOffsets.Count > 1);
    }
}
