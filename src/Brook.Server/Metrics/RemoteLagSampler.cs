using Brook.Client;
using Brook.Common;
using Brook.Metadata;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;
using Brook.Server.Internal;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Metrics;

/// <summary>
/// The high watermarks, and the write time of the batch at each committed offset, of partitions this broker does not
/// hold, so the lag of a group it coordinates covers every partition the group committed — what kafka-lag-exporter
/// asks the leaders for, and what Kafka's coordinator samples with ListOffsets. Gauges read the last sample and never
/// wait: a read older than <see cref="RefreshInterval"/> starts one refresh in the background, which asks each leader
/// once with ListOffsets (the high watermark) and once with a Fetch at the committed offsets (the batch header gives
/// the time), and then fetches, one at a time and a few per round, the partitions whose batch was too big to come back
/// in the shared answer.
/// </summary>
public sealed class RemoteLagSampler : IAsyncDisposable
{
    /// <summary>How old a sample may be before a read asks for a new one (the console samples every 5 s).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(4);

    private const short ListOffsetsVersion = 7;
    private const short FetchVersion = 12;
    private const int PartitionMaxBytes = 64 * 1024;
    private const int ResponseMaxBytes = 8 * 1024 * 1024;
    private const int SoloFetchesPerRound = 16;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly MetadataView _metadata;
    private readonly int _localId;
    private readonly NodeConnections _brokers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closing = new();
    private volatile Sample _last = Sample.Empty;
    private Task _refresh = Task.CompletedTask;
    private long? _startedAtMs;
    private readonly Lock _gate = new();

    public RemoteLagSampler(MetadataView metadata, int localId, InterBrokerConnections brokers, TimeProvider time, ILogger<RemoteLagSampler> logger)
    {
        _metadata = metadata;
        _localId = localId;
        _brokers = brokers.Pool;
        _time = time;
        _logger = logger;
    }

    /// <summary>A remote partition's high watermark and, by committed offset, the max timestamp of the batch there.</summary>
    private sealed record Sample(IReadOnlyDictionary<TopicPartition, long> HighWatermarks, IReadOnlyDictionary<(TopicPartition, long), long> WrittenAtMs)
    {
        public static readonly Sample Empty = new(new Dictionary<TopicPartition, long>(), new Dictionary<(TopicPartition, long), long>());
    }

    /// <summary>The last sampled high watermark of <paramref name="partition"/>, if any.</summary>
    public long? HighWatermark(TopicPartition partition) => _last.HighWatermarks.TryGetValue(partition, out var hw) ? hw : null;

    /// <summary>When the batch holding <paramref name="committed"/> was written (ms), if the last sample read it.</summary>
    public long? WrittenAtMs(TopicPartition partition, long committed) => _last.WrittenAtMs.TryGetValue((partition, committed), out var ms) ? ms : null;

    /// <summary>Starts a refresh for these committed positions unless one is running or the last is recent.</summary>
    public void RequestRefresh(IReadOnlyCollection<(TopicPartition Partition, long Committed)> wanted)
    {
        if (wanted.Count == 0 || _closing.IsCancellationRequested) return;
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (!_refresh.IsCompleted || (_startedAtMs is { } started && nowMs - started < RefreshInterval.TotalMilliseconds)) return;
            _startedAtMs = nowMs;
            var positions = wanted.Distinct().ToList();
            _refresh = Task.Run(() => RefreshAsync(positions, _closing.Token));
        }
    }

    private Task CurrentRefresh() { lock (_gate) return _refresh; }

    private async Task RefreshAsync(List<(TopicPartition Partition, long Committed)> wanted, CancellationToken ct)
    {
        try
        {
            var image = _metadata.Image;
            var byLeader = new Dictionary<int, List<(TopicPartition Partition, long Committed)>>();
            foreach (var position in wanted)
            {
                if (!image.TopicsByName.TryGetValue(position.Partition.Topic, out var topic) || position.Partition.Partition >= topic.Partitions.Length) continue;
                var leader = topic.Partitions[position.Partition.Partition].Leader;
                if (leader < 0 || leader == _localId) continue;
                (byLeader.TryGetValue(leader, out var list) ? list : byLeader[leader] = []).Add(position);
            }
            var highWatermarks = new Dictionary<TopicPartition, long>();
            var written = new Dictionary<(TopicPartition, long), long>();
            await Task.WhenAll(byLeader.Select(l => SampleLeaderAsync(l.Key, l.Value, highWatermarks, written, ct))).ConfigureAwait(false);
            _last = new Sample(highWatermarks, written);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Sampling the offsets of remote partitions for consumer lag failed");
        }
    }

    private async Task SampleLeaderAsync(int leader, List<(TopicPartition Partition, long Committed)> positions,
        Dictionary<TopicPartition, long> highWatermarks, Dictionary<(TopicPartition, long), long> written, CancellationToken ct)
    {
        try
        {
            var partitions = positions.Select(p => p.Partition).Distinct().ToList();
            var hws = await ListHighWatermarksAsync(leader, partitions, ct).ConfigureAwait(false);
            lock (highWatermarks) foreach (var (tp, hw) in hws) highWatermarks[tp] = hw;

            // Only a group behind the high watermark has a "time since the oldest unconsumed record".
            var lagging = positions.Where(p => hws.TryGetValue(p.Partition, out var hw) && p.Committed < hw).ToList();
            var missing = new List<(TopicPartition Partition, long Committed, long FetchAt)>();
            // A Fetch names each partition once: a partition where several groups stand at different offsets is asked
            // again in a later round for each further offset.
            foreach (var round in Rounds(lagging))
            {
                var found = await FetchWriteTimesAsync(leader, round.Select(p => (p.Partition, p.Committed, p.Committed)).ToList(), solo: false, ct).ConfigureAwait(false);
                foreach (var (position, result) in found)
                {
                    if (result.WrittenAtMs is { } ms) lock (written) written[(position.Partition, position.Committed)] = ms;
                    else if (result.RetryAt is { } at) missing.Add((position.Partition, position.Committed, at));
                }
            }
            // A batch larger than the per-partition limit only comes back when its partition is alone in the request.
            foreach (var position in missing.Take(SoloFetchesPerRound))
            {
                var found = await FetchWriteTimesAsync(leader, [position], solo: true, ct).ConfigureAwait(false);
                foreach (var (p, result) in found)
                    if (result.WrittenAtMs is { } ms) lock (written) written[(p.Partition, p.Committed)] = ms;
            }
        }
        catch (Exception e) when (e is IOException or TimeoutException or KafkaException or Protocol.ProtocolException or KafkaConnectionException)
        {
            _logger.LogDebug("Sampling offsets from broker {Leader} for consumer lag failed: {Reason}", leader, e.Message);
        }
    }

    private static IEnumerable<List<(TopicPartition Partition, long Committed)>> Rounds(List<(TopicPartition Partition, long Committed)> positions)
    {
        var byPartition = positions.GroupBy(p => p.Partition).Select(g => g.ToList()).ToList();
        for (var round = 0; ; round++)
        {
            var batch = byPartition.Where(g => g.Count > round).Select(g => g[round]).ToList();
            if (batch.Count == 0) yield break;
            yield return batch;
        }
    }

    private async Task<Dictionary<TopicPartition, long>> ListHighWatermarksAsync(int leader, List<TopicPartition> partitions, CancellationToken ct)
    {
        var response = await _brokers.SendAsync<ListOffsetsRequest, ListOffsetsResponse>(leader, new ListOffsetsRequest
        {
            ReplicaId = -1,
            IsolationLevel = 0,
            Topics = [.. partitions.GroupBy(p => p.Topic).Select(g => new ListOffsetsRequest.ListOffsetsTopic
            {
                Name = g.Key,
                Partitions = [.. g.Select(p => new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = p.Partition, Timestamp = ListOffsetsRequest.LatestTimestamp })],
            })],
        }, ListOffsetsVersion, RequestTimeout, ct).ConfigureAwait(false);
        var result = new Dictionary<TopicPartition, long>();
        foreach (var topic in response.Topics)
            foreach (var p in topic.Partitions)
                if (p.ErrorCode == 0 && p.Offset >= 0) result[new TopicPartition(topic.Name, p.PartitionIndex)] = p.Offset;
        return result;
    }

    /// <summary>What one Fetch told of one position: the write time, or the offset to ask again at alone.</summary>
    private readonly record struct FetchOutcome(long? WrittenAtMs, long? RetryAt);

    private async Task<List<((TopicPartition Partition, long Committed) Position, FetchOutcome Result)>> FetchWriteTimesAsync(int leader,
        List<(TopicPartition Partition, long Committed, long FetchAt)> positions, bool solo, CancellationToken ct)
    {
        var response = await _brokers.SendAsync<FetchRequest, FetchResponse>(leader, new FetchRequest
        {
            ReplicaId = -1,
            MaxWaitMs = 0,
            MinBytes = 0,
            MaxBytes = ResponseMaxBytes,
            IsolationLevel = 0,
            SessionEpoch = -1,
            Topics = [.. positions.GroupBy(p => p.Partition.Topic).Select(g => new FetchRequest.FetchTopic
            {
                Topic = g.Key,
                Partitions = [.. g.Select(p => new FetchRequest.FetchPartition { Partition = p.Partition.Partition, FetchOffset = p.FetchAt, PartitionMaxBytes = solo ? 1 : PartitionMaxBytes })],
            })],
        }, FetchVersion, RequestTimeout, ct).ConfigureAwait(false);

        var answers = new Dictionary<TopicPartition, FetchResponse.PartitionData>();
        foreach (var topic in response.Responses)
            foreach (var p in topic.Partitions) answers[new TopicPartition(topic.Topic, p.PartitionIndex)] = p;
        var results = new List<((TopicPartition, long), FetchOutcome)>(positions.Count);
        foreach (var (partition, committed, fetchAt) in positions)
        {
            if (!answers.TryGetValue(partition, out var data)) continue;
            FetchOutcome outcome;
            if (data.ErrorCode == (short)ErrorCode.OffsetOutOfRange && data.LogStartOffset > fetchAt)
                outcome = new FetchOutcome(null, data.LogStartOffset); // retention passed the group by: its oldest unread record is the first one left
            else if (data.ErrorCode != 0)
                outcome = default;
            else if (FirstBatchTimestamp(data.Records, fetchAt) is { } ms)
                outcome = new FetchOutcome(ms, null);
            else
                outcome = new FetchOutcome(null, solo ? null : fetchAt);
            results.Add(((partition, committed), outcome));
        }
        return results;
    }

    /// <summary>The max timestamp of the first whole batch ending at or after <paramref name="offset"/>.</summary>
    private static long? FirstBatchTimestamp(RecordSet? records, long offset)
    {
        if (records is null || records.SizeInBytes < RecordBatchHeader.Size) return null;
        foreach (var batch in new RecordSetBatches(records.ToMemory().Span))
        {
            var header = new RecordBatchHeader(batch);
            if (header.LastOffset >= offset) return header.MaxTimestamp == RecordBatchHeader.NoTimestamp ? null : header.MaxTimestamp;
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        try
        {
            await CurrentRefresh().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException) { }
        _closing.Dispose();
    }
}
