using System.Collections.Concurrent;
using Brook.Common;
using Brook.Metadata;
using Microsoft.Extensions.Logging;

namespace Brook.Replication;

/// <summary>
/// The broker side of KIP-858's AssignReplicasToDirs: on a broker with several log directories, tells the controller
/// which directory each hosted replica lives in whenever the metadata does not say so yet (a new replica, a restart
/// after a directory was lost). Without it the controller could not tell which replicas a failed directory takes
/// down. Assignments are sent in batches by one background loop and retried until the controller has them.
/// </summary>
public sealed class DirectoryAssigner : IAsyncDisposable
{
    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(500);

    private readonly ReplicaManager _replicas;
    private readonly IControllerChannel _controller;
    private readonly BrokerIdentity _identity;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(Uuid TopicId, int Partition), Uuid> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly SemaphoreSlim _work = new(0);
    private readonly Task _loop;
    private int _disposed;

    public DirectoryAssigner(ReplicaManager replicas, IControllerChannel controller, BrokerIdentity identity, TimeProvider time, ILogger<DirectoryAssigner> logger)
    {
        _replicas = replicas;
        _controller = controller;
        _identity = identity;
        _time = time;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(_closing.Token));
    }

    /// <summary>Queues every hosted replica whose directory in <paramref name="image"/> is not the one it lives in.</summary>
    public void Check(MetadataImage image)
    {
        if (_replicas.Directories.All.Count < 2) return; // one directory: it fails only with the whole broker
        var queued = false;
        foreach (var partition in _replicas.Partitions)
        {
            if (_replicas.HomeOf(partition.Id) is not { } home || home.Id == Uuid.Zero) continue;
            if (!image.TopicsById.TryGetValue(partition.TopicId, out var topic) || partition.Id.Partition >= topic.Partitions.Length) continue;
            if (topic.Partitions[partition.Id.Partition].DirectoryOf(_identity.BrokerId) == home.Id)
            {
                _pending.TryRemove(new KeyValuePair<(Uuid, int), Uuid>((partition.TopicId, partition.Id.Partition), home.Id));
                continue;
            }
            if (_pending.TryGetValue((partition.TopicId, partition.Id.Partition), out var queuedDir) && queuedDir == home.Id) continue;
            _pending[(partition.TopicId, partition.Id.Partition)] = home.Id;
            queued = true;
        }
        if (!queued) return;
        try { _work.Release(); }
        catch (ObjectDisposedException) { } // shutting down: nothing more is sent
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _work.WaitAsync(stop).ConfigureAwait(false);
                while (!_pending.IsEmpty && !stop.IsCancellationRequested)
                {
                    if (_identity.Epoch < 0 || !await SendAsync(stop).ConfigureAwait(false))
                        await Task.Delay(RetryBackoff, _time, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<bool> SendAsync(CancellationToken stop)
    {
        var batch = _pending.Take(1000).Select(kv => new DirectoryAssignment(kv.Key.TopicId, kv.Key.Partition, kv.Value)).ToList();
        try
        {
            var result = await _controller.AssignReplicasToDirsAsync(_identity.BrokerId, _identity.Epoch, batch, stop).ConfigureAwait(false);
            if (result.Error != ErrorCode.None)
            {
                _logger.LogDebug("AssignReplicasToDirs refused: {Error}; retrying", result.Error);
                return false;
            }
            // Done, or refused for a partition that is no longer here: either way nothing more to send for it (a newer
            // directory queued meanwhile stays queued).
            foreach (var a in batch) _pending.TryRemove(new KeyValuePair<(Uuid, int), Uuid>((a.TopicId, a.Partition), a.DirectoryId));
            foreach (var (assignment, error) in result.Partitions.Where(o => o.Error != ErrorCode.None))
                _logger.LogDebug("Directory assignment of {Topic}-{Partition} refused: {Error}", assignment.TopicId, assignment.Partition, error);
            _logger.LogDebug("Reported the log directories of {Count} replicas to the controller", result.Partitions.Count);
            return true;
        }
        catch (Exception e) when (e is KafkaException or IOException or TimeoutException || e is OperationCanceledException && !stop.IsCancellationRequested)
        {
            _logger.LogDebug("AssignReplicasToDirs failed: {Reason}; retrying", e.Message);
            return false;
        }
    }

    /// <summary>Stops the loop; idempotent (the host may stop the broker twice).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _closing.Cancel();
        try { await _loop.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        _closing.Dispose();
        _work.Dispose();
    }
}
