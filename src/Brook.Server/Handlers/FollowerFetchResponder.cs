using Brook.Common;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;
using Brook.Replication;

namespace Brook.Server.Handlers;

/// <summary>
/// The leader's answer to a follower's Fetch (a request with replica id ≥ 0): records from the follower's fetch
/// offset up to the log end — not just the high watermark, since the follower must have them before they can be
/// committed — or, when the follower's last fetched epoch shows that its log diverged, the DivergingEpoch to truncate
/// to (KIP-320, Fetch v12+). The fetch offset is the follower's acknowledgement: it moves the high watermark and may
/// bring the follower back into the ISR. Nothing new means a long poll on the partitions' log ends.
/// </summary>
internal sealed class FollowerFetchResponder(MetadataView metadata, ReplicaManager replicas, IsrChangeManager? isr, ReplicationQuota? quota, TimeProvider time)
{
    private static readonly MemoryRecordSet EmptyRecords = new(ReadOnlyMemory<byte>.Empty);

    public async ValueTask<IMessage?> HandleAsync(short version, FetchRequest request)
    {
        var deadline = time.GetTimestamp() + (long)(request.MaxWaitMs / 1000.0 * time.TimestampFrequency);
        var minBytes = Math.Max(1, request.MinBytes);
        var (response, bytes, waitable, throttled) = Read(version, request, recordProgress: true);
        // A partition held back by the throttle waits like one without data: answering at once would make the
        // follower ask again at once, spinning until the throttle's rate drops.
        while (bytes < minBytes && (waitable.Count > 0 || throttled))
        {
            var remaining = time.GetElapsedTime(time.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero) break;
            var signals = new Task[waitable.Count + 1];
            for (var i = 0; i < waitable.Count; i++) signals[i] = waitable[i].LogEndMoved.WaitTask;
            signals[^1] = Task.Delay(remaining, time);
            // Read again once armed: an append between the read above and taking the wait tasks pulsed signals
            // nobody held, and would otherwise leave this fetch (and acks=all behind it) asleep until the deadline.
            (response, bytes, waitable, throttled) = Read(version, request, recordProgress: false);
            if (bytes >= minBytes || (waitable.Count == 0 && !throttled)) break;
            await Task.WhenAny(signals).ConfigureAwait(false);
            (response, bytes, waitable, throttled) = Read(version, request, recordProgress: false);
        }
        // Measured only while a limit is set: without one nothing is held back, and the fetch path stays lean.
        if (quota is { Limit: not long.MaxValue }) RecordThrottledBytes(response);
        return response;
    }

    /// <summary>Counts what the answer carries for throttled replicas against leader.replication.throttled.rate.</summary>
    private void RecordThrottledBytes(FetchResponse response)
    {
        long bytes = 0;
        foreach (var topic in response.Responses)
        {
            foreach (var pd in topic.Partitions)
            {
                if (pd.Records is not { SizeInBytes: > 0 } records) continue;
                if (replicas.GetLeaderPartition(new TopicPartition(topic.Topic, pd.PartitionIndex), -1) is ({ IsLeaderThrottled: true }, _))
                    bytes += records.SizeInBytes;
            }
        }
        quota!.Record(bytes);
    }

    private (FetchResponse Response, long Bytes, List<Partition> Waitable, bool Throttled) Read(short version, FetchRequest request, bool recordProgress)
    {
        var overQuota = quota?.IsExceeded == true;
        var throttled = false;
        var image = metadata.Image;
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var response = new FetchResponse { SessionId = 0 };
        var waitable = new List<Partition>();
        long budget = request.MaxBytes;
        long total = 0;
        foreach (var topic in request.Topics)
        {
            var name = version >= 13 ? image.TopicsById.TryGetValue(topic.TopicId, out var t) ? t.Name : null : topic.Topic;
            var topicResponse = new FetchResponse.FetchableTopicResponse { Topic = name ?? topic.Topic, TopicId = topic.TopicId };
            response.Responses.Add(topicResponse);
            foreach (var p in topic.Partitions)
            {
                var pd = new FetchResponse.PartitionData { PartitionIndex = p.Partition, HighWatermark = -1, Records = EmptyRecords };
                topicResponse.Partitions.Add(pd);
                if (name is null)
                {
                    pd.ErrorCode = (short)ErrorCode.UnknownTopicId;
                    continue;
                }
                var (partition, error) = replicas.GetLeaderPartition(new TopicPartition(name, p.Partition), p.CurrentLeaderEpoch);
                if (partition is null)
                {
                    pd.ErrorCode = (short)error;
                    continue;
                }
                var log = partition.Log;
                pd.LogStartOffset = log.LogStartOffset;
                if (p.LastFetchedEpoch >= 0 && Diverges(log, p.FetchOffset, p.LastFetchedEpoch) is { } diverging)
                {
                    // Not an acknowledgement: the follower must first cut what it holds beyond this point.
                    pd.HighWatermark = partition.HighWatermark;
                    pd.DivergingEpoch = diverging;
                    continue;
                }
                if (p.FetchOffset < log.LogStartOffset || p.FetchOffset > log.LogEndOffset)
                {
                    pd.HighWatermark = partition.HighWatermark;
                    pd.ErrorCode = (short)ErrorCode.OffsetOutOfRange;
                    continue;
                }
                if (recordProgress && partition.RecordFollowerFetch(request.ReplicaId, p.FetchOffset, nowMs, p.LogStartOffset))
                    isr?.RequestExpansion(partition, request.ReplicaId);
                pd.HighWatermark = partition.HighWatermark;
                pd.LastStableOffset = Math.Min(partition.LastStableOffset, pd.HighWatermark);
                if (overQuota && partition.MayThrottleFollower(request.ReplicaId))
                {
                    // leader.replication.throttled.rate is used up: this out-of-sync follower gets no records for now.
                    throttled = true;
                    continue;
                }
                var maxBytes = (int)Math.Min(p.PartitionMaxBytes, Math.Max(budget, 0));
                if (p.FetchOffset >= log.LogEndOffset || (maxBytes <= 0 && total > 0))
                {
                    waitable.Add(partition);
                    continue;
                }
                var read = log.Read(p.FetchOffset, maxBytes, long.MaxValue, minOneBatch: total == 0);
                pd.Records = read.Records ?? EmptyRecords;
                var size = pd.Records.SizeInBytes;
                total += size;
                budget -= size;
                if (size == 0) waitable.Add(partition);
            }
        }
        return (response, total, waitable, throttled);
    }

    /// <summary>
    /// Where a follower's log stops agreeing with ours: its last fetched epoch is not in our log up to its fetch offset
    /// (our largest epoch ≤ it is older, or ends before the offset). Null when the logs agree.
    /// </summary>
    private static FetchResponse.EpochEndOffset? Diverges(Storage.PartitionLog log, long fetchOffset, int lastFetchedEpoch)
    {
        var (epoch, endOffset) = log.EndOffsetForEpoch(lastFetchedEpoch);
        if (epoch == lastFetchedEpoch && endOffset >= fetchOffset) return null;
        if (epoch < 0 && log.LeaderEpochs.Count == 0) return null;
        // None of our epochs is that old: nothing the follower holds can be vouched for, so it restarts from our log
        // start. (Epoch -1 / offset -1 is the field's default and would not be sent, so a real epoch is named.)
        if (epoch < 0) return new FetchResponse.EpochEndOffset { Epoch = 0, EndOffset = log.LogStartOffset };
        return new FetchResponse.EpochEndOffset { Epoch = epoch, EndOffset = endOffset };
    }
}
