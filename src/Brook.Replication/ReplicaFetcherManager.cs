using System.Net;
using Brook.Client;
using Brook.Common;
using Brook.Metadata;
using Microsoft.Extensions.Logging;

namespace Brook.Replication;

/// <summary>
/// Keeps one <see cref="ReplicaFetcher"/> per leader this broker follows partitions of (Kafka's ReplicaFetcherManager
/// with num.replica.fetchers=1): after each applied image every partition this broker follows is fetched by the
/// fetcher of its current leader, and only by it; fetchers left without partitions stop. Leaders are reached on their
/// inter-broker listener through the internal client, leaving from this broker's own address.
/// </summary>
public sealed class ReplicaFetcherManager : IAsyncDisposable
{
    private readonly NodeConnections _connections;
    private readonly BrokerIdentity _identity;
    private readonly ReplicaFetcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly Dictionary<int, ReplicaFetcher> _fetchers = [];
    private readonly Lock _lock = new();
    private MetadataImage _image = MetadataImage.Empty;
    private int _disposed;

    /// <param name="listenerName">The inter-broker listener: where followers find their leaders' endpoints.</param>
    /// <param name="localAddress">The address this broker's connections leave from, or null.</param>
    public ReplicaFetcherManager(string listenerName, IPAddress? localAddress, BrokerIdentity identity, ReplicaFetcherOptions options,
        TimeProvider time, ILoggerFactory loggers)
    {
        _identity = identity;
        _options = options;
        _time = time;
        _loggers = loggers;
        _connections = new NodeConnections(id => Resolve(id, listenerName), new NodeConnectionsOptions
        {
            Connection = KafkaConnectionOptions.Default with
            {
                ClientId = $"brook-replica-fetcher-{identity.BrokerId}",
                LocalAddress = localAddress,
                RequestTimeout = TimeSpan.FromMilliseconds(options.RequestTimeoutMs + options.MaxWaitMs),
                TimeProvider = time,
            },
        }, loggers.CreateLogger<NodeConnections>());
    }

    private EndPoint? Resolve(int brokerId, string listenerName)
    {
        var image = Volatile.Read(ref _image);
        if (!image.Brokers.TryGetValue(brokerId, out var broker)) return null;
        var endpoint = broker.FindEndpoint(listenerName) ?? broker.Endpoints.FirstOrDefault();
        if (endpoint is null) return null;
        if (IPAddress.TryParse(endpoint.Host, out var ip)) return new IPEndPoint(ip, endpoint.Port);
        return new DnsEndPoint(endpoint.Host, endpoint.Port);
    }

    /// <summary>Makes the fetchers match <paramref name="followed"/> (every hosted partition led by another broker).</summary>
    public void Sync(MetadataImage image, IEnumerable<Partition> followed)
    {
        lock (_lock)
        {
            Volatile.Write(ref _image, image);
            var wanted = followed.Where(p => p.State.LeaderId >= 0 && !p.IsLeader).ToList();
            var wantedIds = wanted.ToDictionary(p => p.Id, p => p.State.LeaderId);
            foreach (var fetcher in _fetchers.Values)
            {
                // Partitions it should not fetch any more: led here now, led by another broker, deleted or moved away.
                foreach (var stale in StaleOf(fetcher, wantedIds)) fetcher.Remove(stale);
            }
            foreach (var partition in wanted)
            {
                var leader = partition.State.LeaderId;
                if (!_fetchers.TryGetValue(leader, out var fetcher))
                {
                    fetcher = new ReplicaFetcher(leader, _connections, _identity, _options, _time, _loggers.CreateLogger<ReplicaFetcher>());
                    _fetchers[leader] = fetcher;
                }
                if (!fetcher.Contains(partition.Id)) fetcher.Add(partition);
            }
            foreach (var (leader, fetcher) in _fetchers.Where(f => f.Value.IsEmpty).ToList())
            {
                _fetchers.Remove(leader);
                _ = fetcher.DisposeAsync().AsTask();
            }
        }
    }

    private static IEnumerable<TopicPartition> StaleOf(ReplicaFetcher fetcher, Dictionary<TopicPartition, int> wanted) =>
        fetcher.Partitions.Where(id => !wanted.TryGetValue(id, out var leader) || leader != fetcher.LeaderId).ToList();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        List<ReplicaFetcher> fetchers;
        lock (_lock)
        {
            fetchers = [.. _fetchers.Values];
            _fetchers.Clear();
        }
        foreach (var f in fetchers) await f.DisposeAsync().ConfigureAwait(false);
        await _connections.DisposeAsync().ConfigureAwait(false);
    }
}
