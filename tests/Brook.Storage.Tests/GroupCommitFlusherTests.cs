using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Storage.Tests;

public sealed class GroupCommitFlusherTests : LogTestBase
{
    [Fact]
    public async Task Concurrent_waiters_on_many_logs_share_fsync_rounds()
    {
        var fs = new FaultInjectingFileSystem { FlushDelay = TimeSpan.FromMilliseconds(15) };
        var logs = Enumerable.Range(0, 3)
            .Select(p => PartitionLog.Open(Temp.Sub($"t-{p}"), LogConfig.Default, Logger, Time, fs)).ToArray();
        using var flusher = new GroupCommitFlusher(NullLogger.Instance);
        try
        {
            const int producers = 60;
            var tasks = Enumerable.Range(0, producers).Select(i => Task.Run(async () =>
            {
                var log = logs[i % logs.Length];
                var result = AppendOk(log, TestBatches.Build(2));
                await flusher.WaitForDurabilityAsync(log, result.LastOffset, CancellationToken.None);
                Assert.True(log.RecoveryPoint > result.LastOffset);
            })).ToArray();
            await Task.WhenAll(tasks);

            Assert.True(fs.LogFlushes < producers, $"{fs.LogFlushes} fsyncs for {producers} waiters");
            foreach (var log in logs) Assert.Equal(log.LogEndOffset, log.RecoveryPoint);
        }
        finally
        {
            foreach (var log in logs) log.Dispose();
        }
    }

    [Fact]
    public async Task Already_durable_offsets_complete_at_once_and_waits_can_be_cancelled()
    {
        var fs = new FaultInjectingFileSystem { FlushDelay = TimeSpan.FromMilliseconds(300) };
        using var log = Open(LogConfig.Default, fs);
        using var flusher = new GroupCommitFlusher(NullLogger.Instance);
        AppendOk(log, TestBatches.Build(2));
        log.Flush();
        Assert.True(flusher.WaitForDurabilityAsync(log, 1, CancellationToken.None).IsCompletedSuccessfully);

        var result = AppendOk(log, TestBatches.Build(2));
        using var cts = new CancellationTokenSource();
        var wait = flusher.WaitForDurabilityAsync(log, result.LastOffset, cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);

        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = flusher.WaitForDurabilityAsync(log, 100, CancellationToken.None); });
    }

    [Fact]
    public async Task Dispose_finishes_queued_waits()
    {
        using var log = Open();
        var flusher = new GroupCommitFlusher(NullLogger.Instance);
        var result = AppendOk(log, TestBatches.Build(2));
        var wait = flusher.WaitForDurabilityAsync(log, result.LastOffset, CancellationToken.None);
        flusher.Dispose();
        await wait;
        Assert.True(log.RecoveryPoint > result.LastOffset);
    }
}
