using Brook.Common;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Replication;
using Brook.Server.Api;
using Brook.Server.Metrics;
using Brook.Storage;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Handlers;

/// <summary>
/// Fetch v4-18 for consumers (followers' fetches, with a replica id, go to <see cref="FollowerFetchResponder"/>). Reads whole batches below the high watermark (or the last stable offset for
/// read_committed), within the per-partition and response byte limits; the first partition with data may exceed them
/// by one batch so a consumer can always progress. When fewer than min.bytes are ready it long-polls until data arrives
/// or max.wait.ms passes. Fetch sessions (KIP-227) are answered sessionless: session id 0 tells the client every fetch
/// is a full one. v13+ names topics by id. From v11 a consumer may also read from a follower replica (KIP-392), up to
/// that replica's high watermark; with replica.selector.class set to Kafka's RackAwareReplicaSelector the leader
/// answers a consumer in another rack with the in-sync replica of its rack as PreferredReadReplica (and no records).
/// </summary>
public sealed class FetchHandler(MetadataView metadata, ReplicaManager replicas, TimeProvider time, IServiceProvider services) : ApiHandler<FetchRequest>
{
    private readonly FollowerFetchResponder _followers = new(metadata, replicas, services.GetService(typeof(IsrChangeManager)) as IsrChangeManager,
        (services.GetService(typeof(ReplicationQuotas)) as ReplicationQuotas)?.Leader, time);

    private readonly bool _rackAware = (services.GetService(typeof(Common.Config.BrokerConfig)) as Common.Config.BrokerConfig)?.RackAwareReplicaSelection == true;

    private readonly BrokerTopicMetrics? _topicMetrics = (services.GetService(typeof(BrokerMetrics)) as BrokerMetrics)?.Topics;

    private readonly ILogger? _logger = (services.GetService(typeof(ILoggerFactory)) as ILoggerFactory)?.CreateLogger<FetchHandler>();

    /// <summary>Partitions whose consumer reads this broker served as a follower, logged once each (KIP-392 is visible in the log).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TopicPartition, bool> _followerReads = new();

    /// <summary>The top-level error (v7+) and every partition failed with it, each with an empty record set.</summary>
    protected override IMessage? ErrorResponse(FetchRequest request, ErrorCode error)
    {
        var response = new FetchResponse { ErrorCode = (short)error, SessionId = 0 };
        foreach (var topic in request.Topics)
            response.Responses.Add(new FetchResponse.FetchableTopicResponse
            {
                Topic = topic.Topic,
                TopicId = topic.TopicId,
                Partitions = [.. topic.Partitions.Select(p => new FetchResponse.PartitionData
                    { PartitionIndex = p.Partition, ErrorCode = (short)error, HighWatermark = -1, Records = EmptyRecords })],
            });
        return response;
    }

    private const sbyte ReadCommitted = 1;

    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, FetchRequest request)
    {
        if (request.SessionId != 0)
            return Done(new FetchResponse { ErrorCode = (short)ErrorCode.FetchSessionIdNotFound, SessionId = 0 });
        if (request.ReplicaId >= 0) return _followers.HandleAsync(context.ApiVersion, request);

        var (response, bytes, waitable) = Read(context.ApiVersion, request, context.ListenerName);
        if (bytes >= request.MinBytes || request.MaxWaitMs <= 0 || waitable.Count == 0)
            return Done(Counted(response));
        return LongPollAsync(context.ApiVersion, request, waitable, context.ListenerName);
    }

    /// <summary>BytesOut and the fetch request counts of the response actually sent (a long poll reads several times).</summary>
    private FetchResponse Counted(FetchResponse response)
    {
        if (_topicMetrics is null) return response;
        foreach (var topic in response.Responses)
        {
            if (string.IsNullOrEmpty(topic.Topic)) continue;
            foreach (var p in topic.Partitions)
            {
                if (p.ErrorCode is (short)ErrorCode.KafkaStorageError or (short)ErrorCode.UnknownServerError) _topicMetrics.FetchFailed(topic.Topic);
                else _topicMetrics.Fetched(topic.Topic, p.Records?.SizeInBytes ?? 0);
            }
        }
        return response;
    }

    private async ValueTask<IMessage?> LongPollAsync(short version, FetchRequest request, List<Partition> waitable, string listenerName)
    {
        // One timer for the whole poll (its deadline), disposed the moment it answers: a Task.Delay per wake-up would
        // leave a timer queued until max.wait.ms for every time data arrived first, thousands a second for a busy consumer.
        var expired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = time.CreateTimer(static s => ((TaskCompletionSource)s!).TrySetResult(), expired,
            TimeSpan.FromMilliseconds(request.MaxWaitMs), Timeout.InfiniteTimeSpan);
        while (!expired.Task.IsCompleted)
        {
            var signals = new Task[waitable.Count + 1];
            for (var i = 0; i < waitable.Count; i++) signals[i] = waitable[i].HighWatermarkMoved.WaitTask;
            signals[^1] = expired.Task;
            // Read again once armed: a high watermark that moved between the last read and taking the wait tasks
            // pulsed signals nobody held, and would otherwise leave this fetch asleep until its deadline.
            var (armed, armedBytes, armedWaitable) = Read(version, request, listenerName);
            if (armedBytes >= request.MinBytes || armedWaitable.Count == 0) return Counted(armed);
            await Task.WhenAny(signals);
            // Reading is cheap: record sets are file regions copied only when the response is written.
            var (next, bytes, nextWaitable) = Read(version, request, listenerName);
            if (bytes >= request.MinBytes || nextWaitable.Count == 0) return Counted(next);
            waitable = nextWaitable;
        }
        var (response, _, _) = Read(version, request, listenerName);
        return Counted(response);
    }

    private (FetchResponse Response, long Bytes, List<Partition> Waitable) Read(short version, FetchRequest request, string listenerName)
    {
        var image = metadata.Image;
        LeaderHints? hints = null;
        var response = new FetchResponse { SessionId = 0 };
        var waitable = new List<Partition>();
        long budget = request.MaxBytes;
        long total = 0;
        var anyError = false;
        foreach (var topic in request.Topics)
        {
            var name = ResolveName(version, topic, image);
            var topicResponse = new FetchResponse.FetchableTopicResponse { Topic = name ?? topic.Topic, TopicId = topic.TopicId };
            if (name is not null && image.TopicsByName.TryGetValue(name, out var ti)) topicResponse.TopicId = ti.Id;
            response.Responses.Add(topicResponse);
            foreach (var p in topic.Partitions)
            {
                // Error partitions still carry an empty record set: librdkafka rejects a null one ("invalid MessageSetSize -1").
                var pd = new FetchResponse.PartitionData { PartitionIndex = p.Partition, HighWatermark = -1, Records = EmptyRecords };
                topicResponse.Partitions.Add(pd);
                if (name is null)
                {
                    pd.ErrorCode = (short)ErrorCode.UnknownTopicId;
                    anyError = true;
                    continue;
                }
                var (partition, error) = replicas.GetReadablePartition(new TopicPartition(name, p.Partition), p.CurrentLeaderEpoch, allowFollower: version >= 11);
                if (partition is null)
                {
                    pd.ErrorCode = (short)error;
                    if (version >= 12 && LeaderHints.Applies(error))
                        pd.CurrentLeader = (hints ??= new LeaderHints(image, listenerName)).For(name, p.Partition);
                    anyError = true;
                    continue;
                }
                var hw = partition.HighWatermark;
                if (partition.IsLeader)
                {
                    if (_rackAware && version >= 11 && RackAwareReplicaSelector.Select(image, partition.State, request.RackId) is var preferred and >= 0)
                    {
                        // Sent to its rack's replica: no records here, and no long poll (the client moves at once).
                        pd.PreferredReadReplica = preferred;
                        pd.HighWatermark = hw;
                        pd.LastStableOffset = Math.Min(partition.LastStableOffset, hw);
                        pd.LogStartOffset = partition.LogStartOffset;
                        anyError = true;
                        continue;
                    }
                }
                else if (_followerReads.TryAdd(partition.Id, true))
                {
                    _logger?.LogInformation("Serving consumer fetches of {Partition} as a follower (leader {Leader}, KIP-392), up to this replica's high watermark",
                        partition.Id, partition.State.LeaderId);
                }
                // LastStableOffset reads the high watermark again; the later value must not lift the LSO above hw.
                var lso = Math.Min(partition.LastStableOffset, hw);
                pd.HighWatermark = hw;
                pd.LastStableOffset = lso;
                pd.LogStartOffset = partition.LogStartOffset;
                if (p.FetchOffset < partition.LogStartOffset || p.FetchOffset > partition.Log.LogEndOffset)
                {
                    pd.ErrorCode = (short)ErrorCode.OffsetOutOfRange;
                    anyError = true;
                    continue;
                }
                var readCommitted = request.IsolationLevel == ReadCommitted;
                // Kafka answers read_uncommitted with a null list and read_committed with a list, empty or not.
                pd.AbortedTransactions = readCommitted ? [] : null;
                var end = readCommitted ? lso : hw;
                var maxBytes = (int)Math.Min(p.PartitionMaxBytes, Math.Max(budget, 0));
                if (p.FetchOffset >= end || (maxBytes <= 0 && total > 0))
                {
                    pd.Records = EmptyRecords;
                    waitable.Add(partition);
                    continue;
                }
                var read = partition.Log.Read(p.FetchOffset, maxBytes, end, minOneBatch: total == 0);
                pd.Records = read.Records ?? EmptyRecords;
                if (readCommitted && pd.Records is FileRecordSet { SizeInBytes: > 0 } fileRecords)
                {
                    // The transactions aborted within the returned batches: the consumer drops those producers' records.
                    foreach (var (producerId, firstOffset) in partition.Log.CollectAbortedTransactions(p.FetchOffset, fileRecords.NextOffset))
                        pd.AbortedTransactions!.Add(new FetchResponse.AbortedTransaction { ProducerId = producerId, FirstOffset = firstOffset });
                }
                var size = pd.Records.SizeInBytes;
                total += size;
                budget -= size;
                // A partition with room left in its limits still counts for min.bytes: what it appends next adds to the
                // answer, so the poll waits on it too (Kafka's DelayedFetch sums the bytes ready across partitions).
                if (size == 0 || (size < maxBytes && budget > 0)) waitable.Add(partition);
            }
        }
        if (hints is not null && version >= 16) response.NodeEndpoints.AddRange(hints.Endpoints);
        return (response, anyError ? long.MaxValue : total, anyError ? [] : waitable);
    }

    private static readonly Brook.Protocol.Records.MemoryRecordSet EmptyRecords = new(ReadOnlyMemory<byte>.Empty);

    private static string? ResolveName(short version, FetchRequest.FetchTopic topic, MetadataImage image)
    {
        if (version < 13) return topic.Topic;
        return image.TopicsById.TryGetValue(topic.TopicId, out var t) ? t.Name : null;
    }
}
