using System.Collections.Concurrent;

namespace Brook.Server.Metrics;

/// <summary>
/// Kafka's BrokerTopicMetrics: messages and bytes in, bytes out, produce and fetch requests (total and failed), per topic
/// and for all topics. The produce and fetch paths add to plain counters (one dictionary lookup per topic in a request,
/// no allocation once a topic has been seen); <see cref="BrokerMetrics"/> publishes them as observable counters.
/// </summary>
public sealed class BrokerTopicMetrics
{
    private readonly ConcurrentDictionary<string, TopicCounters> _topics = new(StringComparer.Ordinal);

    /// <summary>The sums over every topic (Kafka's series without a topic tag).</summary>
    public TopicCounters AllTopics { get; } = new();

    /// <summary>The counters of one topic, made on first use.</summary>
    public TopicCounters For(string topic) => _topics.TryGetValue(topic, out var c) ? c : _topics.GetOrAdd(topic, static _ => new TopicCounters());

    /// <summary>Every topic with counters.</summary>
    public IEnumerable<KeyValuePair<string, TopicCounters>> Topics => _topics;

    /// <summary>Drops the counters of topics that no longer exist (Kafka removes a deleted topic's metrics).</summary>
    public void Retain(Func<string, bool> exists)
    {
        foreach (var topic in _topics.Keys)
            if (!exists(topic)) _topics.TryRemove(topic, out _);
    }

    /// <summary>A produce appended <paramref name="messages"/> records of <paramref name="bytes"/> bytes to <paramref name="topic"/>.</summary>
    public void Produced(string topic, long messages, long bytes)
    {
        For(topic).Produced(messages, bytes);
        AllTopics.Produced(messages, bytes);
    }

    /// <summary>A produce to <paramref name="topic"/> was refused by the log (an invalid or oversized batch, a fenced producer).</summary>
    public void ProduceFailed(string topic)
    {
        For(topic).ProduceFailed();
        AllTopics.ProduceFailed();
    }

    /// <summary>A consumer fetch read <paramref name="bytes"/> bytes of <paramref name="topic"/>.</summary>
    public void Fetched(string topic, long bytes)
    {
        For(topic).Fetched(bytes);
        AllTopics.Fetched(bytes);
    }

    /// <summary>A consumer fetch of <paramref name="topic"/> failed reading the log.</summary>
    public void FetchFailed(string topic)
    {
        For(topic).FetchFailed();
        AllTopics.FetchFailed();
    }
}

/// <summary>The counters of one topic (or of all): monotonic, updated with interlocked adds.</summary>
public sealed class TopicCounters
{
    private long _messagesIn, _bytesIn, _bytesOut, _totalProduce, _failedProduce, _totalFetch, _failedFetch;

    public long MessagesIn => Interlocked.Read(ref _messagesIn);
    public long BytesIn => Interlocked.Read(ref _bytesIn);
    public long BytesOut => Interlocked.Read(ref _bytesOut);
    public long TotalProduceRequests => Interlocked.Read(ref _totalProduce);
    public long FailedProduceRequests => Interlocked.Read(ref _failedProduce);
    public long TotalFetchRequests => Interlocked.Read(ref _totalFetch);
    public long FailedFetchRequests => Interlocked.Read(ref _failedFetch);

    internal void Produced(long messages, long bytes)
    {
        Interlocked.Add(ref _messagesIn, messages);
        Interlocked.Add(ref _bytesIn, bytes);
        Interlocked.Increment(ref _totalProduce);
    }

    internal void ProduceFailed()
    {
        Interlocked.Increment(ref _totalProduce);
        Interlocked.Increment(ref _failedProduce);
    }

    internal void Fetched(long bytes)
    {
        Interlocked.Add(ref _bytesOut, bytes);
        Interlocked.Increment(ref _totalFetch);
    }

    internal void FetchFailed()
    {
        Interlocked.Increment(ref _totalFetch);
        Interlocked.Increment(ref _failedFetch);
    }
}
