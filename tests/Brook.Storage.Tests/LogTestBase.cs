using Brook.Common;
using Brook.Storage.IO;

namespace Brook.Storage.Tests;

/// <summary>A scratch partition directory, a manual clock and a capturing logger per test.</summary>
public abstract class LogTestBase : IDisposable
{
    private protected readonly TempDirectory Temp = new();
    private protected readonly ManualTimeProvider Time = new();
    private protected readonly ListLogger Logger = new();

    private protected string Dir => Temp.Sub("topic-0");

    private protected PartitionLog Open(LogConfig? config = null, ILogFileSystem? fs = null) =>
        PartitionLog.Open(Dir, config ?? LogConfig.Default, Logger, Time, fs ?? PhysicalLogFileSystem.Instance);

    private protected static AppendResult Append(PartitionLog log, byte[] set, long? logAppendTime = null)
    {
        var result = log.Append(set, leaderEpoch: 3, logAppendTime);
        return result;
    }

    private protected static AppendResult AppendOk(PartitionLog log, byte[] set, long? logAppendTime = null)
    {
        var result = Append(log, set, logAppendTime);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.False(result.Duplicate);
        return result;
    }

    /// <summary>Every batch from <paramref name="from"/> to the log end, reading segment by segment like a consumer.</summary>
    private protected static List<(long BaseOffset, long LastOffset, byte[] Bytes)> ReadAll(PartitionLog log, long from = 0)
    {
        var all = new List<(long, long, byte[])>();
        var next = from;
        while (next < log.LogEndOffset)
        {
            var result = log.Read(next, 1 << 20, long.MaxValue, minOneBatch: true);
            Assert.Equal(ErrorCode.None, result.Error);
            var batches = TestBatches.Parse(result.Records.ToBytes());
            Assert.NotEmpty(batches);
            all.AddRange(batches);
            next = batches[^1].LastOffset + 1;
        }
        return all;
    }

    private protected string SegmentFile(long baseOffset, string suffix) => Path.Combine(Dir, $"{baseOffset:D20}{suffix}");

    /// <summary>Closes the log as a crash would: nothing of the clean close reaches the disk.</summary>
    private protected static void Crash(PartitionLog log, FaultInjectingFileSystem fs)
    {
        fs.Crash();
        log.Dispose();
    }

    public void Dispose()
    {
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }
}
