using System.Collections.Concurrent;
using Brook.Client;
using Brook.Common;
using Brook.Metadata;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Replication;

/// <summary>
/// Replicates the partitions this broker follows from one leader (Kafka's ReplicaFetcherThread): one Fetch at a time
/// with every such partition, as replica <c>node.id</c> with its broker epoch, from each partition's log end and last
/// fetched epoch. The leader's answer is appended as it is, flushed before the next fetch when brook.log.flush.on.ack
/// is on (the next fetch offset is the acknowledgement the leader counts), and its high watermark adopted. A
/// DivergingEpoch answer cuts the diverged tail (KIP-320's truncation by leader epoch, in the Fetch itself from v12);
/// an offset the leader no longer has restarts the replica at the leader's log start.
/// </summary>
internal sealed class ReplicaFetcher : IAsyncDisposable
{
    private const short FetchVersion = 17;

    private readonly int _leaderId;
    private readonly NodeConnections _connections;
    private readonly BrokerIdentity _identity;
    private readonly ReplicaFetcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TopicPartition, Partition> _partitions = new();
    /// <summary>Partitions resting after an error, until this time (TimeProvider ms).</summary>
    private readonly ConcurrentDictionary<TopicPartition, long> _delayedUntil = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _work = new(0);
    private readonly Task _loop;
    private int _disposed;

    public ReplicaFetcher(int leaderId, NodeConnections connections, BrokerIdentity identity, ReplicaFetcherOptions options, TimeProvider time, ILogger logger)
    {
        _leaderId = leaderId;
        _connections = connections;
        _identity = identity;
        _options = options;
        _time = time;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public int LeaderId => _leaderId;

    public bool IsEmpty => _partitions.IsEmpty;

    public void Add(Partition partition)
    {
        if (_partitions.TryAdd(partition.Id, partition)) _work.Release();
        else _partitions[partition.Id] = partition;
        _delayedUntil.TryRemove(partition.Id, out _);
    }

    public void Remove(TopicPartition id)
    {
        _partitions.TryRemove(id, out _);
        _delayedUntil.TryRemove(id, out _);
    }

    public bool Contains(TopicPartition id) => _partitions.ContainsKey(id);

    /// <summary>The partitions this fetcher replicates.</summary>
    public IEnumerable<TopicPartition> Partitions => _partitions.Keys;

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (_partitions.IsEmpty)
                {
                    await _work.WaitAsync(ct).ConfigureAwait(false);
                    continue;
                }
                var now = NowMs;
                // follower.replication.throttled.rate used up: throttled replicas out of the ISR sit this round out.
                var overQuota = _options.Quota?.IsExceeded == true;
                var fetching = _partitions.Values
                    .Where(p => !p.IsLeader && p.State.LeaderId == _leaderId && (!_delayedUntil.TryGetValue(p.Id, out var until) || until <= now)
                        && !(overQuota && p.MayThrottleFetching))
                    .ToList();
                if (fetching.Count == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(_options.BackoffMs, 100)), _time, ct).ConfigureAwait(false);
                    continue;
                }
                var request = BuildRequest(fetching);
                var timeout = TimeSpan.FromMilliseconds(_options.MaxWaitMs + _options.RequestTimeoutMs);
                // Leased: the records are appended to our log (copied) before the lease returns the receive buffer.
                using var lease = await _connections.SendLeasedAsync<FetchRequest, FetchResponse>(_leaderId, request, FetchVersion, timeout, ct).ConfigureAwait(false);
                var response = lease.Response;
                if (response.ErrorCode != 0)
                {
                    _logger.LogWarning("Replica fetch from broker {Leader} failed: {Error}", _leaderId, (ErrorCode)response.ErrorCode);
                    await Task.Delay(TimeSpan.FromMilliseconds(_options.BackoffMs), _time, ct).ConfigureAwait(false);
                    continue;
                }
                Process(fetching, response);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Anything else is a bug, but it must not end replication from this leader: log it and go on.
                if (e is IOException or TimeoutException or KafkaException or Protocol.ProtocolException or ObjectDisposedException or OperationCanceledException)
                    _logger.LogDebug("Replica fetch from broker {Leader} failed: {Reason}", _leaderId, e.Message);
                else
                    _logger.LogError(e, "Replica fetch from broker {Leader} failed unexpectedly; retrying after a backoff", _leaderId);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(_options.BackoffMs), _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private FetchRequest BuildRequest(List<Partition> partitions) => new()
    {
        ReplicaId = _identity.BrokerId,
        ReplicaEpoch = _identity.Epoch,
        MaxWaitMs = _options.MaxWaitMs,
        MinBytes = _options.MinBytes,
        MaxBytes = _options.ResponseMaxBytes,
        SessionId = 0,
        SessionEpoch = -1,
        Topics = [.. partitions.GroupBy(p => p.TopicId).Select(g => new FetchRequest.FetchTopic
        {
            TopicId = g.Key,
            Topic = g.First().Id.Topic,
            Partitions = [.. g.Select(p => new FetchRequest.FetchPartition
            {
                Partition = p.Id.Partition,
                CurrentLeaderEpoch = p.LeaderEpoch,
                FetchOffset = p.Log.LogEndOffset,
                LastFetchedEpoch = p.Log.LatestLeaderEpoch?.Epoch ?? -1,
                LogStartOffset = p.Log.LogStartOffset,
                PartitionMaxBytes = _options.PartitionMaxBytes,
            })],
        })],
    };

    private void Process(List<Partition> fetched, FetchResponse response)
    {
        var byId = fetched.ToDictionary(p => (p.TopicId, p.Id.Partition));
        foreach (var topic in response.Responses)
        {
            foreach (var data in topic.Partitions)
            {
                if (!byId.TryGetValue((topic.TopicId, data.PartitionIndex), out var partition)) continue;
                try
                {
                    ProcessPartition(partition, data);
                }
                catch (ObjectDisposedException)
                {
                    // The partition left this broker (its topic was deleted, or a reassignment moved it away) while the
                    // fetch was in flight: its log is gone, and the next sync drops it from this fetcher.
                    _logger.LogDebug("{Partition} was closed while its replica fetch was in flight", partition.Id);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
                {
                    _logger.LogError(e, "Replicating {Partition} from broker {Leader} failed; retrying after a backoff", partition.Id, _leaderId);
                    Delay(partition);
                }
            }
        }
    }

    private void ProcessPartition(Partition partition, FetchResponse.PartitionData data)
    {
        switch ((ErrorCode)data.ErrorCode)
        {
            case ErrorCode.None:
                break;
            case ErrorCode.OffsetOutOfRange:
                ResetOutOfRange(partition, data);
                return;
            case ErrorCode.NotLeaderOrFollower or ErrorCode.FencedLeaderEpoch or ErrorCode.UnknownLeaderEpoch
                or ErrorCode.UnknownTopicOrPartition or ErrorCode.UnknownTopicId:
                // The leader moved or knows a newer epoch than we do: wait for the metadata to say where to fetch from.
                Delay(partition);
                return;
            default:
                _logger.LogWarning("Replica fetch of {Partition} from broker {Leader}: {Error}", partition.Id, _leaderId, (ErrorCode)data.ErrorCode);
                Delay(partition);
                return;
        }

        if (data.DivergingEpoch is { IsDefault: false } diverging)
        {
            var (localEpoch, localEnd) = partition.Log.EndOffsetForEpoch(diverging.Epoch);
            var cut = localEpoch < 0 || localEnd < 0 ? diverging.EndOffset : Math.Min(localEnd, diverging.EndOffset);
            _logger.LogInformation("{Partition} diverges from leader {Leader} at epoch {Epoch}: truncating from {End} to {Cut}",
                partition.Id, _leaderId, diverging.Epoch, partition.Log.LogEndOffset, cut);
            partition.TruncateTo(cut);
            return;
        }

        if (data.Records is MemoryRecordSet { SizeInBytes: > 0 } records)
        {
            if (_options.Quota is { Limit: not long.MaxValue } quota && partition.IsFollowerThrottled) quota.Record(records.SizeInBytes);
            var result = partition.AppendAsFollower(records.Data.Span);
            if (result.Error != ErrorCode.None)
            {
                _logger.LogWarning("Appending replicated records to {Partition} failed: {Error} {Message}", partition.Id, result.Error, result.ErrorMessage);
                Delay(partition);
                return;
            }
            // The next fetch offset acknowledges these records: they must be on disk first (brook.log.flush.on.ack).
            if (_options.FlushOnAck) partition.Log.Flush();
        }
        partition.UpdateHighWatermarkFromLeader(data.HighWatermark);
        if (data.LogStartOffset >= 0 && partition.AdvanceLogStartFromLeader(data.LogStartOffset) is { Error: ErrorCode.KafkaStorageError } failed)
            _logger.LogWarning("Following the log start {Start} of the leader of {Partition} failed: {Message}", data.LogStartOffset, partition.Id, failed.ErrorMessage);
    }

    /// <summary>
    /// The leader does not hold our fetch offset: below its log start (retention or DeleteRecords moved it) we start
    /// over at its log start; above its end (we kept records an unclean leader never had) we cut back to its high
    /// watermark, the most the leader can vouch for, and fetch the rest again.
    /// </summary>
    private void ResetOutOfRange(Partition partition, FetchResponse.PartitionData data)
    {
        var end = partition.Log.LogEndOffset;
        if (data.LogStartOffset > end)
        {
            _logger.LogInformation("{Partition} is below the leader's log start {Start}: restarting the replica there", partition.Id, data.LogStartOffset);
            partition.TruncateFullyAndStartAt(data.LogStartOffset);
        }
        else if (data.HighWatermark >= 0 && data.HighWatermark < end)
        {
            _logger.LogWarning("{Partition} ends at {End}, past the leader's range: truncating to its high watermark {HighWatermark}",
                partition.Id, end, data.HighWatermark);
            partition.TruncateTo(data.HighWatermark);
        }
        else
        {
            Delay(partition);
        }
    }

    private void Delay(Partition partition) => _delayedUntil[partition.Id] = NowMs + _options.BackoffMs;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException) { }
        _stop.Dispose();
    }
}

/// <summary>Kafka's replica.fetch.* settings and the durability rule followers keep.</summary>
public sealed record ReplicaFetcherOptions
{
    public int MaxWaitMs { get; init; } = 500;
    public int MinBytes { get; init; } = 1;
    public int ResponseMaxBytes { get; init; } = 10 * 1024 * 1024;
    public int PartitionMaxBytes { get; init; } = 1024 * 1024;
    public int BackoffMs { get; init; } = 1000;
    public int RequestTimeoutMs { get; init; } = 30_000;
    /// <summary>brook.log.flush.on.ack: a follower fsyncs what it replicated before acknowledging it with its next fetch.</summary>
    public bool FlushOnAck { get; init; } = true;
    /// <summary>follower.replication.throttled.rate, shared by every fetcher of this broker; null: never throttled.</summary>
    public ReplicationQuota? Quota { get; init; }
}
