using System.Collections.Concurrent;
using System.Net;
using Brook.Client;
using Brook.Common;
using Brook.Protocol;
using Brook.Raft;
using Brook.Raft.Messages;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Quorum;

/// <summary>
/// The KRaft node's messages over Kafka's wire protocol. Outbound requests go to the voters' controller listeners
/// through the internal client (one connection per peer, pipelined) and their answers come back to the node; a request
/// that cannot be exchanged is answered locally with BROKER_NOT_AVAILABLE, so the node reacts at once instead of
/// waiting for its own timeout. Inbound requests arrive from the controller listener's handlers, which wait here until
/// the node answers (the node echoes the request id this transport gave the request).
/// </summary>
public sealed class KafkaRaftTransport : IServerBoundTransport, IAsyncDisposable
{
    private readonly NodeConnections _connections;
    private readonly RaftConfig _config;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(int From, long Id), TaskCompletionSource<RaftResponse>> _inbound = new();
    private readonly CancellationTokenSource _closing = new();
    private int _disposed;
    private RaftServer? _server;
    private long _nextInboundId;

    /// <param name="config">The quorum settings (timeouts).</param>
    /// <param name="resolveVoter">A voter's controller endpoint, by node id.</param>
    /// <param name="localAddress">The address outbound connections leave from (this node's own), or null for any.</param>
    /// <param name="loggers">Logger factory.</param>
    public KafkaRaftTransport(RaftConfig config, Func<int, EndPoint?> resolveVoter, IPAddress? localAddress, ILoggerFactory loggers)
    {
        _config = config;
        _logger = loggers.CreateLogger<KafkaRaftTransport>();
        _connections = new NodeConnections(resolveVoter, new NodeConnectionsOptions
        {
            Connection = KafkaConnectionOptions.Default with
            {
                ClientId = $"brook-raft-{config.NodeId}",
                LocalAddress = localAddress,
                RequestTimeout = TimeSpan.FromMilliseconds(config.RequestTimeoutMs + config.FetchMaxWaitMs),
                ConnectTimeout = TimeSpan.FromMilliseconds(config.RequestTimeoutMs),
            },
        }, loggers.CreateLogger<NodeConnections>());
    }

    /// <summary>The server inbound messages and outbound answers are delivered to; set once it exists.</summary>
    public void Attach(RaftServer server) => _server = server;

    public void Send(int destinationId, RaftMessage message)
    {
        switch (message)
        {
            case RaftResponse response:
                // The answer to an inbound request: hand it to the handler that waits for it.
                if (_inbound.TryRemove((destinationId, response.RequestId), out var waiter)) waiter.TrySetResult(response);
                break;
            case RaftRequest request:
                _ = ExchangeAsync(destinationId, request);
                break;
        }
    }

    private async Task ExchangeAsync(int destinationId, RaftRequest request)
    {
        RaftResponse response;
        try
        {
            var timeout = TimeSpan.FromMilliseconds(_config.RequestTimeoutMs + (request is FetchRequest f ? f.MaxWaitMs : 0));
            response = await RaftWire.ExchangeAsync(request, new PeerSender(_connections, destinationId), timeout, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or TimeoutException or OperationCanceledException or KafkaException or ProtocolException or ObjectDisposedException)
        {
            if (_closing.IsCancellationRequested) return;
            _logger.LogDebug("Quorum request {Request} to node {Node} failed: {Reason}", request.GetType().Name, destinationId, e.Message);
            response = RaftWire.Unreachable(request);
        }
        _server?.Receive(destinationId, response);
    }

    /// <summary>
    /// Hands an inbound request from <paramref name="fromId"/> to the node and waits for its answer, at most
    /// <paramref name="timeout"/> (then the caller answers REQUEST_TIMED_OUT).
    /// </summary>
    public async Task<RaftResponse?> HandleInboundAsync(int fromId, Func<long, RaftRequest> build, TimeSpan timeout, CancellationToken ct)
    {
        var server = _server;
        if (server is null) return null;
        var id = Interlocked.Increment(ref _nextInboundId);
        var waiter = new TaskCompletionSource<RaftResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inbound[(fromId, id)] = waiter;
        try
        {
            server.Receive(fromId, build(id));
            return await waiter.Task.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _inbound.TryRemove((fromId, id), out _);
        }
    }

    /// <summary>Sends a request as-is to voter <paramref name="nodeId"/>'s controller listener (forwarding) and returns its answer.</summary>
    public Task<TResponse> ForwardAsync<TRequest, TResponse>(int nodeId, TRequest request, short version, CancellationToken ct)
        where TRequest : IRequestMessage
        where TResponse : IMessage, new() =>
        _connections.SendAsync<TRequest, TResponse>(nodeId, request, version, TimeSpan.FromMilliseconds(_config.RequestTimeoutMs), ct);

    public async ValueTask DisposeAsync()
    {
        // The container disposes this instance twice (registered as itself and as IRaftTransport); once is enough.
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _closing.CancelAsync().ConfigureAwait(false);
        await _connections.DisposeAsync().ConfigureAwait(false);
        foreach (var waiter in _inbound.Values) waiter.TrySetCanceled();
        _closing.Dispose();
    }

    /// <summary>The pool bound to one peer, as the wire mapping wants it.</summary>
    private sealed class PeerSender(NodeConnections connections, int nodeId) : IWireSender
    {
        public Task<TResponse> SendAsync<TRequest, TResponse>(TRequest request, short version, TimeSpan timeout, CancellationToken ct)
            where TRequest : IRequestMessage
            where TResponse : IMessage, new() =>
            connections.SendAsync<TRequest, TResponse>(nodeId, request, version, timeout, ct);
    }
}
