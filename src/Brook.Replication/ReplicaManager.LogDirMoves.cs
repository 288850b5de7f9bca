using System.Collections.Concurrent;
using Brook.Common;
using Brook.Storage;
using Microsoft.Extensions.Logging;

namespace Brook.Replication;

// AlterReplicaLogDirs (KIP-113): moving a hosted replica between this broker's log directories while it serves.
public sealed partial class ReplicaManager
{
    private readonly ConcurrentDictionary<TopicPartition, (ReplicaLogMove Move, CancellationTokenSource Cancel)> _moves = new();
    /// <summary>Where AlterReplicaLogDirs asked a replica to live, for one that is not hosted yet (Kafka's preferred log dir).</summary>
    private readonly ConcurrentDictionary<TopicPartition, LogDirectory> _preferred = new();

    /// <summary>Raised after a replica's log moved to another directory.</summary>
    public event Action<TopicPartition>? ReplicaMoved;

    /// <summary>The moves in progress (DescribeLogDirs lists their future logs).</summary>
    public IEnumerable<ReplicaLogMove> Moves => _moves.Values.Select(m => m.Move);

    /// <summary>
    /// AlterReplicaLogDirs for one replica, with Kafka's answers: LOG_DIR_NOT_FOUND for a path that is not one of
    /// log.dirs, KAFKA_STORAGE_ERROR when the destination or the replica is offline (or any directory is: no future
    /// log is made then), REPLICA_NOT_AVAILABLE when the replica is not hosted here yet — it will be created in the
    /// destination when it is — UNKNOWN_TOPIC_OR_PARTITION when no such partition exists, and NONE once the move runs (or the replica already lives there). A new destination
    /// replaces a running move.
    /// </summary>
    public ErrorCode AlterReplicaLogDir(TopicPartition id, string path)
    {
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { return ErrorCode.LogDirNotFound; }
        var dest = _dirs.All.FirstOrDefault(d => d.Path == full);
        if (dest is null) return ErrorCode.LogDirNotFound;
        if (!dest.IsOnline) return ErrorCode.KafkaStorageError;
        lock (_applyLock)
        {
            _preferred[id] = dest;
            if (_offline.ContainsKey(id)) return ErrorCode.KafkaStorageError;
            if (!_partitions.TryGetValue(id, out var partition))
            {
                var image = Volatile.Read(ref _image);
                var known = image.TopicsByName.TryGetValue(id.Topic, out var topic) && id.Partition >= 0 && id.Partition < topic.Partitions.Length;
                return known ? ErrorCode.ReplicaNotAvailable : ErrorCode.UnknownTopicOrPartition;
            }
            if (_moves.TryGetValue(id, out var running))
            {
                if (running.Move.Destination == dest) return ErrorCode.None;
                CancelMove(id);
            }
            if (HomeOf(id) == dest) return ErrorCode.None;
            if (_dirs.Offline.Any()) return ErrorCode.KafkaStorageError;
            ReplicaLogMove move;
            try
            {
                move = ReplicaLogMove.Begin(partition, dest, OpenLog(id));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _dirs.Fail(dest, $"starting the move of {id}: {e.Message}");
                return ErrorCode.KafkaStorageError;
            }
            var cancel = new CancellationTokenSource();
            _moves[id] = (move, cancel);
            _logger.LogInformation("Moving {Partition} from {From} to {To} (AlterReplicaLogDirs)", id, HomeOf(id)?.Path, dest.Path);
            _ = Task.Run(() => RunMoveAsync(move, cancel.Token));
            return ErrorCode.None;
        }
    }

    private Func<string, PartitionLog> OpenLog(TopicPartition id) => path =>
        PartitionLog.Open(path, _partitions.TryGetValue(id, out var p) ? p.Settings.Log : new LogConfig(),
            _loggers.CreateLogger($"Brook.Storage.PartitionLog[{id}]"), _time, FileSystem);

    private async Task RunMoveAsync(ReplicaLogMove move, CancellationToken cancel)
    {
        var id = move.Partition.Id;
        try
        {
            while (true)
            {
                cancel.ThrowIfCancellationRequested();
                if (move.CopyStep(move.Partition.Log))
                {
                    await Task.Yield();
                    continue;
                }
                string? aside;
                lock (_applyLock)
                {
                    cancel.ThrowIfCancellationRequested();
                    aside = move.Partition.SwapLog(move, OpenLog(id));
                    if (aside is not null)
                    {
                        _homes[id] = move.Destination;
                        _moves.TryRemove(id, out _);
                    }
                }
                if (aside is null)
                {
                    move.Restart(move.Partition.Log); // the current log was truncated meanwhile
                    continue;
                }
                _logger.LogInformation("Moved {Partition} to {To}", id, move.Destination.Path);
                DeleteFolder(aside);
                ReplicaMoved?.Invoke(id);
                return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogInformation("Move of {Partition} to {To} stopped before it completed", id, move.Destination.Path);
            Abandon(move);
        }
        catch (IOException e)
        {
            _logger.LogError(e, "Move of {Partition} to {To} failed", id, move.Destination.Path);
            Forget(move);
            // The swap may have failed after the copy took over: the replica lives wherever its log is now.
            if (_dirs.Containing(move.Partition.Log.Directory) is { } home && _partitions.ContainsKey(id)) _homes[id] = home;
            Abandon(move);
            _dirs.Fail(move.Destination, $"moving {id} there: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            _logger.LogError(e, "Move of {Partition} to {To} abandoned", id, move.Destination.Path);
            Forget(move);
            Abandon(move);
        }
    }

    private void Forget(ReplicaLogMove move)
    {
        if (_moves.TryGetValue(move.Partition.Id, out var current) && current.Move == move) _moves.TryRemove(move.Partition.Id, out _);
    }

    /// <summary>Stops every move of a replica in, or to, <paramref name="dir"/>.</summary>
    private void CancelMovesTouching(LogDirectory dir)
    {
        foreach (var (id, running) in _moves)
            if (running.Move.Destination == dir || HomeOf(id) == dir) CancelMove(id);
    }

    /// <summary>Stops a running move of <paramref name="id"/>; its future log is deleted by the move's loop.</summary>
    private void CancelMove(TopicPartition id)
    {
        if (!_moves.TryRemove(id, out var running)) return;
        running.Cancel.Cancel();
    }

    private void Abandon(ReplicaLogMove move)
    {
        try
        {
            if (Directory.Exists(move.FuturePath)) move.Future.Delete();
            else if (move.Future.Directory == move.FuturePath) move.Future.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            _logger.LogDebug("Removing the future log {Dir}: {Reason}", move.FuturePath, e.Message);
        }
    }

    private void DeleteFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Deleting {Dir} failed ({Reason}); start-up removes it", path, e.Message);
        }
    }
}
