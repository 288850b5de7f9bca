using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Brook.Server.Metrics;

/// <summary>
/// The broker's <see cref="Meter"/> ("Brook.Server") and the counters its request paths add to: Kafka's
/// BrokerTopicMetrics, RequestMetrics and connection counts. Instrument names follow the Prometheus names the common
/// Kafka JMX exporter rules produce (docs/METRICS.md has the mapping); any System.Diagnostics.Metrics listener
/// (dotnet-counters, OpenTelemetry) sees them too. The state-derived gauges live in <see cref="BrokerStateGauges"/>.
/// </summary>
public sealed class BrokerMetrics : IDisposable
{
    /// <summary>The meter every Brook server instrument belongs to.</summary>
    public const string MeterName = "Brook.Server";

    private readonly ConcurrentDictionary<string, StrongBoxLong> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBoxLong> _connectionsCreated = new(StringComparer.Ordinal);

    public BrokerMetrics()
    {
        Meter = new Meter(MeterName);
        Topics = new BrokerTopicMetrics();
        Requests = new RequestMetrics(Meter);
        TopicCounter("kafka.server.brokertopicmetrics.messagesin", c => c.MessagesIn, "Records appended by produce requests (Kafka's MessagesInPerSec).");
        TopicCounter("kafka.server.brokertopicmetrics.bytesin", c => c.BytesIn, "Bytes of record batches appended by produce requests (Kafka's BytesInPerSec).");
        TopicCounter("kafka.server.brokertopicmetrics.bytesout", c => c.BytesOut, "Bytes of record batches returned to consumer fetches (Kafka's BytesOutPerSec).");
        TopicCounter("kafka.server.brokertopicmetrics.totalproducerequests", c => c.TotalProduceRequests, "Partition appends attempted by produce requests (Kafka's TotalProduceRequestsPerSec).");
        TopicCounter("kafka.server.brokertopicmetrics.failedproducerequests", c => c.FailedProduceRequests, "Partition appends the log refused (Kafka's FailedProduceRequestsPerSec).");
        TopicCounter("kafka.server.brokertopicmetrics.totalfetchrequests", c => c.TotalFetchRequests, "Partition reads by consumer fetches (Kafka's TotalFetchRequestsPerSec).");
        TopicCounter("kafka.server.brokertopicmetrics.failedfetchrequests", c => c.FailedFetchRequests, "Partition reads that failed (Kafka's FailedFetchRequestsPerSec).");
        Meter.CreateObservableUpDownCounter("kafka.server.socketservermetrics.connectioncount", () => Observe(_connections), null,
            "Open Kafka connections, by listener (Kafka's socket-server-metrics connection-count).");
        Meter.CreateObservableCounter("kafka.server.socketservermetrics.connectioncreation", () => Observe(_connectionsCreated), null,
            "Kafka connections accepted, by listener (Kafka's socket-server-metrics connection-creation-total).");
    }

    public Meter Meter { get; }

    /// <summary>Per-topic produce and fetch counters.</summary>
    public BrokerTopicMetrics Topics { get; }

    /// <summary>Per-API request counters and latency histograms.</summary>
    public RequestMetrics Requests { get; }

    /// <summary>A connection opened on <paramref name="listener"/>; dispose the result when it closes.</summary>
    public ConnectionLease ConnectionOpened(string listener)
    {
        Interlocked.Increment(ref _connectionsCreated.GetOrAdd(listener, static _ => new StrongBoxLong()).Value);
        var open = _connections.GetOrAdd(listener, static _ => new StrongBoxLong());
        Interlocked.Increment(ref open.Value);
        return new ConnectionLease(open);
    }

    public void Dispose() => Meter.Dispose();

    private void TopicCounter(string name, Func<TopicCounters, long> read, string description) =>
        Meter.CreateObservableCounter(name, () => ObserveTopics(read), null, description);

    private IEnumerable<Measurement<long>> ObserveTopics(Func<TopicCounters, long> read)
    {
        yield return new Measurement<long>(read(Topics.AllTopics));
        foreach (var (topic, counters) in Topics.Topics)
            yield return new Measurement<long>(read(counters), new KeyValuePair<string, object?>("topic", topic));
    }

    private static IEnumerable<Measurement<long>> Observe(ConcurrentDictionary<string, StrongBoxLong> byListener)
    {
        foreach (var (listener, box) in byListener)
            yield return new Measurement<long>(Interlocked.Read(ref box.Value), new KeyValuePair<string, object?>("listener", listener));
    }

    /// <summary>A mutable long shared between the counting path and the observer.</summary>
    public sealed class StrongBoxLong
    {
        public long Value;
    }

    /// <summary>Counts a connection as open until disposed.</summary>
    public readonly struct ConnectionLease(StrongBoxLong open) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref open.Value);
    }
}
