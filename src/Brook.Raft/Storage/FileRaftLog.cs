using Brook.Common;
using Brook.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Raft.Storage;

/// <summary>
/// The metadata log on disk: a Brook.Storage <see cref="PartitionLog"/> in <c>&lt;log dir&gt;/__cluster_metadata-0/</c>
/// (Kafka's directory name), with the snapshots and quorum-state files beside its segments. Appends keep the leader's
/// offsets and epochs (the node stamps them); time- and size-based retention are off: only snapshots shorten the log.
/// </summary>
public sealed class FileRaftLog : IRaftLog, IDisposable
{
    public const string DirectoryName = "__cluster_metadata-0";

    private readonly PartitionLog _log;
    private readonly TimeProvider _time;
    private IReadOnlyList<EpochStart>? _epochs;

    private FileRaftLog(PartitionLog log, TimeProvider time)
    {
        _log = log;
        _time = time;
    }

    /// <summary>The directory of the metadata partition under <paramref name="logDir"/>.</summary>
    public static string PartitionDirectory(string logDir) => Path.Combine(logDir, DirectoryName);

    /// <summary>Opens (or creates) the log under <paramref name="logDir"/>, recovering it after a crash.</summary>
    public static FileRaftLog Open(string logDir, TimeProvider time, ILogger? logger = null, LogConfig? config = null)
    {
        var settings = (config ?? LogConfig.Default) with
        {
            RetentionMs = -1,
            RetentionBytes = -1,
            CleanupPolicy = CleanupPolicy.Delete,
            FileDeleteDelayMs = 0,
            // The node flushes when the protocol needs it; no background or interval flushes.
            FlushIntervalMessages = long.MaxValue,
            FlushIntervalMs = long.MaxValue,
        };
        return new FileRaftLog(PartitionLog.Open(PartitionDirectory(logDir), settings, logger ?? NullLogger.Instance, time), time);
    }

    public string Directory => _log.Directory;
    public long StartOffset => _log.LogStartOffset;
    public long EndOffset => _log.LogEndOffset;
    public long FlushedEndOffset => _log.RecoveryPoint;

    public IReadOnlyList<EpochStart> Epochs => _epochs ??= [.. _log.LeaderEpochs.Select(e => new EpochStart(e.Epoch, e.StartOffset))];

    public void Append(ReadOnlySpan<byte> batches)
    {
        _epochs = null;
        var result = _log.AppendAsFollower(batches);
        if (result.Error != ErrorCode.None) throw new IOException($"appending to {_log.Directory} failed: {result.Error} {result.ErrorMessage}");
    }

    public ReadOnlyMemory<byte> Read(long offset, int maxBytes)
    {
        var result = _log.Read(offset, maxBytes, long.MaxValue, minOneBatch: true);
        if (result.Error != ErrorCode.None) throw new ArgumentOutOfRangeException(nameof(offset), offset, $"reading {_log.Directory}: {result.Error}");
        return result.Records.SizeInBytes == 0 ? ReadOnlyMemory<byte>.Empty : result.Records.ToMemory();
    }

    public void TruncateTo(long offset)
    {
        _epochs = null;
        _log.TruncateTo(offset);
    }

    public void Flush() => _log.Flush();

    public void TruncateFullyAndStartAt(long offset)
    {
        _epochs = null;
        _log.TruncateFullyAndStartAt(offset);
    }

    public void DeletePrefixBefore(long offset)
    {
        _epochs = null;
        if (offset <= StartOffset) return;
        if (offset >= EndOffset)
        {
            _log.TruncateFullyAndStartAt(offset);
            return;
        }
        var result = _log.DeleteRecordsBefore(offset);
        if (result.Error != ErrorCode.None) throw new IOException($"moving the start of {_log.Directory} to {offset} failed: {result.Error} {result.ErrorMessage}");
        // Whole segments below the new start go now; the one holding it stays until the start passes it.
        _log.ApplyRetention(_time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    /// <summary>Clean close (the next open skips recovery).</summary>
    public void Dispose() => _log.Dispose();
}
