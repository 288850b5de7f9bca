using Brook.Common.Config;
using Brook.Common;
using Brook.Metadata.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Metadata.Tests;

public class MetadataLogTests
{
    private static readonly Uuid TopicId = new(5, 6);

    [Fact]
    public async Task Appends_are_read_back_with_offsets_after_reopen()
    {
        using var dir = new TempDirectory();
        using (var log = new MetadataLog(dir.Path))
        {
            Assert.Empty(log.ReadAll());
            Assert.Equal(1, await LocalLog.AppendAsync(log, [new ClusterIdRecord("c"), new TopicRecord("t", TopicId)], default));
            Assert.Equal(2, await LocalLog.AppendAsync(log, [new RemoveTopicRecord(TopicId)], default));
            Assert.Equal(3, log.NextOffset);
        }
        Assert.True(File.Exists(dir.MetadataLogFile));

        using var reopened = new MetadataLog(dir.Path);
        var batches = reopened.ReadAll();
        Assert.Equal(2, batches.Count);
        Assert.Equal(0, batches[0].BaseOffset);
        Assert.Equal(1, batches[0].LastOffset);
        Assert.Equal(new TopicRecord("t", TopicId), batches[0].Records[1]);
        Assert.Equal(2, batches[1].BaseOffset);
        Assert.Equal(3, await LocalLog.AppendAsync(reopened, [new ProducerIdsRecord(1, 10)], default));
    }

    [Fact]
    public async Task Empty_batch_is_refused()
    {
        using var dir = new TempDirectory();
        using var log = new MetadataLog(dir.Path);
        await Assert.ThrowsAsync<ArgumentException>(async () => await LocalLog.AppendAsync(log, [], default));
    }

    [Fact]
    public void Second_open_of_the_same_log_fails()
    {
        using var dir = new TempDirectory();
        using var log = new MetadataLog(dir.Path);
        Assert.ThrowsAny<IOException>(() => new MetadataLog(dir.Path));
    }

    public static TheoryData<string> TornTails => new() { "cut-mid-frame", "garbage", "bad-crc", "cut-in-length" };

    [Theory]
    [MemberData(nameof(TornTails))]
    public async Task Torn_tail_is_truncated_and_earlier_batches_kept(string damage)
    {
        using var dir = new TempDirectory();
        long goodLength;
        using (var log = new MetadataLog(dir.Path))
        {
            await LocalLog.AppendAsync(log, [new ClusterIdRecord("c")], default);
            await LocalLog.AppendAsync(log, [new TopicRecord("t", TopicId), new PartitionRecord(TopicId, 0, [1], [1], 1, 0, 0)], default);
            goodLength = new FileInfo(dir.MetadataLogFile).Length;
            await LocalLog.AppendAsync(log, [new TopicRecord("u", new Uuid(9, 9)), new ConfigRecord(ConfigResourceType.Topic, "u", "k", "v")], default);
        }

        var bytes = File.ReadAllBytes(dir.MetadataLogFile);
        switch (damage)
        {
            case "cut-mid-frame": bytes = bytes[..(int)(goodLength + (bytes.Length - goodLength) / 2)]; break;
            case "cut-in-length": bytes = bytes[..(int)(goodLength + 2)]; break;
            case "garbage": bytes = [.. bytes[..(int)goodLength], .. new byte[] { 0, 0, 1, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3 }]; break;
            case "bad-crc": bytes[^1] ^= 0xff; break;
        }
        File.WriteAllBytes(dir.MetadataLogFile, bytes);

        var logger = new CapturingLogger<MetadataLog>();
        using (var log = new MetadataLog(dir.Path, logger))
        {
            Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning);
            Assert.Equal(goodLength, new FileInfo(dir.MetadataLogFile).Length);
            var batches = log.ReadAll();
            Assert.Equal(2, batches.Count);
            Assert.Equal(2, batches[1].Records.Count);
            Assert.Equal(3, log.NextOffset);
            // The torn batch is gone as a whole, and new appends continue right after the last good one.
            Assert.Equal(3, await LocalLog.AppendAsync(log, [new RemoveTopicRecord(TopicId)], default));
        }

        using var again = new MetadataLog(dir.Path, logger);
        Assert.Equal(3, again.ReadAll().Count);
    }
}
