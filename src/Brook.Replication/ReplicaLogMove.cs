using System.Buffers;
using Brook.Common;
using Brook.Storage;

namespace Brook.Replication;

/// <summary>
/// One replica moving to another log directory of this broker (AlterReplicaLogDirs, KIP-113): a "future" log in the
/// destination, named <c>&lt;topic&gt;-&lt;partition&gt;.&lt;id&gt;-future</c>, copies the current log batch by batch —
/// offsets, leader epochs, producer and transaction state kept, as a follower's append keeps them — while the replica
/// goes on serving; once it has caught up, <see cref="Partition.SwapLog"/> copies the last tail and swaps it in under
/// the partition's lock. A truncation of the current log meanwhile (a follower diverging) starts the copy over.
/// </summary>
public sealed class ReplicaLogMove
{
    /// <summary>Suffix of a future log's folder; one left by a crash is removed at start-up (the move is abandoned).</summary>
    public const string FutureSuffix = "-future";

    /// <summary>Suffix a replaced log's folder gets until it is deleted.</summary>
    public const string DeleteSuffix = "-delete";

    private const int CopyBytes = 1 << 20;

    internal ReplicaLogMove(Partition partition, LogDirectory destination, PartitionLog future, string futurePath, string finalPath)
    {
        Partition = partition;
        Destination = destination;
        Future = future;
        FuturePath = futurePath;
        FinalPath = finalPath;
    }

    public Partition Partition { get; }

    /// <summary>The log directory the replica moves to.</summary>
    public LogDirectory Destination { get; }

    /// <summary>The copy being built; it becomes the replica's log at the swap.</summary>
    public PartitionLog Future { get; }

    public string FuturePath { get; }

    /// <summary>Where the log lives once moved: <c>&lt;destination&gt;/&lt;topic&gt;-&lt;partition&gt;</c>.</summary>
    public string FinalPath { get; }

    /// <summary>The partition's truncation count when this copy (re)started.</summary>
    internal int TruncationsAtStart { get; private set; }

    /// <summary>How far the copy is behind the current log's end (DescribeLogDirs' OffsetLag of a future replica).</summary>
    public long Lag => Math.Max(0, Partition.Log.LogEndOffset - Future.LogEndOffset);

    /// <summary>Opens an empty future log for <paramref name="partition"/> in <paramref name="destination"/> and starts the copy.</summary>
    internal static ReplicaLogMove Begin(Partition partition, LogDirectory destination, Func<string, PartitionLog> open)
    {
        var folder = $"{partition.Id.Topic}-{partition.Id.Partition}";
        var futurePath = Path.Combine(destination.Path, $"{folder}.{Guid.NewGuid():N}{FutureSuffix}");
        var move = new ReplicaLogMove(partition, destination, open(futurePath), futurePath, Path.Combine(destination.Path, folder));
        move.Restart(partition.Log);
        return move;
    }

    /// <summary>Starts the copy over: empty, at the first batch of <paramref name="source"/>.</summary>
    internal void Restart(PartitionLog source)
    {
        TruncationsAtStart = Partition.Truncations;
        var first = source.Read(source.LogStartOffset, 1, long.MaxValue, minOneBatch: true);
        var start = first.Records is FileRecordSet file ? Math.Min(file.FirstBatchOffset, source.LogStartOffset) : source.LogStartOffset;
        Future.TruncateFullyAndStartAt(start);
    }

    /// <summary>
    /// Copies up to a megabyte of what <paramref name="source"/> has beyond the copy's end; false once there is nothing
    /// more to copy. Restarts the copy when the source no longer holds its position (retention moved its start).
    /// Throws <see cref="IOException"/> when the destination fails.
    /// </summary>
    internal bool CopyStep(PartitionLog source)
    {
        var from = Future.LogEndOffset;
        if (from >= source.LogEndOffset) return false;
        var read = source.Read(from, CopyBytes, long.MaxValue, minOneBatch: true);
        if (read.Error == ErrorCode.OffsetOutOfRange)
        {
            Restart(source);
            return true;
        }
        var size = read.Records.SizeInBytes;
        if (read.Error != ErrorCode.None || size == 0) return false;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            read.Records.CopyTo(buffer.AsSpan(0, size));
            var appended = Future.AppendAsFollower(buffer.AsSpan(0, size));
            if (appended.Error == ErrorCode.KafkaStorageError) throw new IOException(appended.ErrorMessage);
            if (appended.Error != ErrorCode.None)
                throw new InvalidDataException($"copying {Partition.Id} at offset {from} to {Destination.Path}: {appended.Error} {appended.ErrorMessage}");
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Matches what the copy cannot: the log start inside a batch (DeleteRecords) and a leader epoch begun with no batch yet.</summary>
    internal void FinishWith(PartitionLog source)
    {
        if (source.LogStartOffset > Future.LogStartOffset) Future.DeleteRecordsBefore(source.LogStartOffset, reason: "the moved log's start");
        if (source.LatestLeaderEpoch is { } latest && Future.LatestLeaderEpoch?.Epoch != latest.Epoch) Future.BeginLeaderEpoch(latest.Epoch);
    }
}
