using Brook.Storage;

namespace Brook.Replication;

public sealed partial class Partition
{
    /// <summary>How many times this replica's log was truncated (a log copy that saw fewer must start over).</summary>
    internal int Truncations => Volatile.Read(ref _truncations);

    /// <summary>
    /// The last step of a move to another log directory: under the state lock (appends and follower fetches wait) the
    /// copy takes the rest of the log, both logs are closed cleanly (so every acks=all wait on the old one sees its
    /// records durable), the copy is renamed into place and reopened as this replica's log, and the old folder is
    /// renamed aside for deletion. The rename into place comes first: a crash between the two renames leaves two
    /// complete copies, and start-up keeps one. Returns the old log's renamed folder, or null when a truncation since
    /// the copy began means it must start over.
    /// </summary>
    internal string? SwapLog(ReplicaLogMove move, Func<string, PartitionLog> open)
    {
        lock (_stateLock)
        {
            if (IsOffline) throw new ObjectDisposedException(Id.ToString(), "the replica went offline during its move");
            if (_truncations != move.TruncationsAtStart) return null;
            var source = _log;
            while (move.CopyStep(source)) { }
            if (_truncations != move.TruncationsAtStart) return null;
            move.FinishWith(source);
            var sourcePath = source.Directory;
            var aside = $"{sourcePath}.{Guid.NewGuid():N}{ReplicaLogMove.DeleteSuffix}";
            source.Dispose();
            move.Future.Dispose();
            try
            {
                Directory.Move(move.FuturePath, move.FinalPath);
                Directory.Move(sourcePath, aside);
                Volatile.Write(ref _log, open(move.FinalPath));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Back to whichever complete copy is where the replica's folder belongs, then report the failure.
                var back = Directory.Exists(sourcePath) ? sourcePath : move.FinalPath;
                if (back == sourcePath && Directory.Exists(move.FinalPath))
                {
                    // The copy must not outlive the log that goes on taking appends: a restart could pick it.
                    try { Directory.Delete(move.FinalPath, recursive: true); }
                    catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException) { }
                }
                Volatile.Write(ref _log, open(back));
                throw new IOException($"moving {Id} to {move.Destination.Path} failed: {e.Message}", e);
            }
            _log.WriteHighWatermarkCheckpoint(_highWatermark);
            return aside;
        }
    }
}
