using System.Collections.Concurrent;
using System.Net;
using Brook.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Client;

/// <summary>
/// The broker's connections to other nodes: one lazily opened, version-negotiated <see cref="KafkaConnection"/> per node
/// id, reopened with Kafka's exponential reconnect backoff. Shared by the follower fetcher, the quorum transport,
/// broker registration and heartbeats, forwarding and transaction markers. Thread-safe.
/// </summary>
/// <remarks>
/// <para>The endpoint is asked of the caller's resolver at every connection attempt (the broker answers from its
/// metadata image), so a node whose endpoint changed is reached at the new one once its old connection is closed with
/// <see cref="Close"/>. Concurrent callers for a node share one attempt.</para>
/// <para>Backoff follows Kafka's ClusterConnectionStates: after a failed attempt or a lost connection the next attempt
/// waits <c>reconnect.backoff.ms × 2^failures</c> (±20 %, at most reconnect.backoff.max.ms) from the moment of the failure;
/// the count resets when a connection has negotiated ApiVersions. A caller arriving during the wait waits it out (bounded
/// by its token) rather than failing at once. <see cref="Close"/> forgets the node, so its next attempt starts at once.</para>
/// <para>A request that fails because the connection broke is not resent: it may have been processed, and only the caller
/// knows whether repeating it is safe.</para>
/// </remarks>
public sealed class NodeConnections : IAsyncDisposable, IDisposable
{
    private readonly Func<int, EndPoint?> _resolve;
    private readonly NodeConnectionsOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ExponentialBackoff _backoff;
    private readonly ConcurrentDictionary<int, NodeSlot> _nodes = new();
    private readonly CancellationTokenSource _disposing = new();
    private volatile bool _disposed;

    /// <param name="resolveEndpoint">Node id → endpoint of the listener to use (inter-broker or controller), or null if the node is unknown.</param>
    /// <param name="options">Connection and backoff settings.</param>
    /// <param name="logger">Receives connection up (Information) and down (Warning) events, never per-request entries.</param>
    public NodeConnections(Func<int, EndPoint?> resolveEndpoint, NodeConnectionsOptions? options = null, ILogger? logger = null)
    {
        _resolve = resolveEndpoint;
        _options = options ?? new NodeConnectionsOptions();
        _logger = logger ?? NullLogger.Instance;
        _time = _options.Connection.TimeProvider;
        _backoff = new ExponentialBackoff(_options.ReconnectBackoff, 2, _options.ReconnectBackoffMax, 0.2);
    }

    /// <summary>
    /// The node's connection, opening it (connect and ApiVersions) if there is none, after the reconnect backoff still
    /// owed. Throws <see cref="KafkaConnectionException"/> if the attempt fails (also for a node the resolver does not know).
    /// </summary>
    public async Task<KafkaConnection> GetConnectionAsync(int nodeId, CancellationToken ct = default)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var slot = _nodes.GetOrAdd(nodeId, static id => new NodeSlot(id));
            Task<KafkaConnection>? attempt = null;
            TaskCompletionSource<KafkaConnection>? start = null;
            var wait = TimeSpan.Zero;
            lock (slot.Gate)
            {
                if (slot.Removed) continue;
                if (slot.Connection is { } current)
                {
                    if (current.IsConnected) return current;
                    ConnectionLost(slot, current);
                }
                if (slot.Connecting is { } running)
                {
                    attempt = running;
                }
                else
                {
                    wait = slot.RemainingBackoff(_time);
                    if (wait == TimeSpan.Zero)
                    {
                        start = new TaskCompletionSource<KafkaConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
                        attempt = slot.Connecting = start.Task;
                    }
                }
            }
            if (attempt is null)
            {
                await Task.Delay(wait, _time, ct);
                continue;
            }
            // Started outside the lock: the resolver is the caller's code.
            if (start is not null) _ = ConnectAsync(slot, start);
            return await attempt.WaitAsync(ct);
        }
    }

    /// <summary>True if the node has an open, negotiated connection now.</summary>
    public bool IsReady(int nodeId) =>
        _nodes.TryGetValue(nodeId, out var slot) && slot.Connection is { IsConnected: true };

    /// <summary>How long a new attempt to the node would wait for its reconnect backoff (zero if none is owed).</summary>
    public TimeSpan GetReconnectDelay(int nodeId)
    {
        if (!_nodes.TryGetValue(nodeId, out var slot)) return TimeSpan.Zero;
        lock (slot.Gate) return slot.RemainingBackoff(_time);
    }

    /// <summary>Sends over the node's connection (opened if needed) and decodes the response at the same version.</summary>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(int nodeId, TRequest request, short version, CancellationToken ct = default)
        where TRequest : IRequestMessage
        where TResponse : IMessage, new()
    {
        var connection = await GetConnectionAsync(nodeId, ct);
        return await connection.SendAsync<TRequest, TResponse>(request, version, ct);
    }

    /// <summary>As <see cref="SendAsync{TRequest, TResponse}(int, TRequest, short, CancellationToken)"/> with a timeout of its own (a long-poll Fetch waits longer than request.timeout.ms).</summary>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(int nodeId, TRequest request, short version, TimeSpan timeout, CancellationToken ct = default)
        where TRequest : IRequestMessage
        where TResponse : IMessage, new()
    {
        var connection = await GetConnectionAsync(nodeId, ct);
        return await connection.SendAsync<TRequest, TResponse>(request, version, timeout, ct);
    }

    /// <summary>As the timed <c>SendAsync</c>, with the response in a pooled buffer until the lease is disposed (<see cref="LeasedResponse{TResponse}"/>).</summary>
    public async Task<LeasedResponse<TResponse>> SendLeasedAsync<TRequest, TResponse>(int nodeId, TRequest request, short version, TimeSpan timeout, CancellationToken ct = default)
        where TRequest : IRequestMessage
        where TResponse : IMessage, new()
    {
        var connection = await GetConnectionAsync(nodeId, ct);
        return await connection.SendLeasedAsync<TRequest, TResponse>(request, version, timeout, ct);
    }

    /// <summary>Sends a request the node does not answer (Produce with acks=0).</summary>
    public async Task SendWithoutResponseAsync<TRequest>(int nodeId, TRequest request, short version, CancellationToken ct = default)
        where TRequest : IRequestMessage
    {
        var connection = await GetConnectionAsync(nodeId, ct);
        await connection.SendWithoutResponseAsync(request, version, ct);
    }

    /// <summary>
    /// Closes the node's connection and forgets its backoff (a fenced node, a changed endpoint): pending requests to it
    /// fail, and the next request opens a new connection at once, at the endpoint the resolver then gives.
    /// </summary>
    public void Close(int nodeId)
    {
        if (!_nodes.TryRemove(nodeId, out var slot)) return;
        KafkaConnection? connection;
        lock (slot.Gate)
        {
            slot.Removed = true;
            connection = slot.Connection;
            slot.Connection = null;
        }
        if (connection is null) return;
        connection.Dispose();
        _logger.LogInformation("Closed the connection to node {NodeId} at {Endpoint}", nodeId, slot.Endpoint);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _disposing.Cancel();
        foreach (var nodeId in _nodes.Keys) Close(nodeId);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ConnectAsync(NodeSlot slot, TaskCompletionSource<KafkaConnection> attempt)
    {
        EndPoint? endpoint = null;
        KafkaConnection? connection = null;
        try
        {
            endpoint = _resolve(slot.NodeId) ?? throw new KafkaConnectionException($"node {slot.NodeId} has no known endpoint");
            connection = await KafkaConnection.ConnectAsync(endpoint, _options.Connection, _disposing.Token);
            await connection.NegotiateApiVersionsAsync(_disposing.Token);
        }
        catch (Exception e)
        {
            connection?.Dispose();
            TimeSpan backoff;
            int failures;
            lock (slot.Gate)
            {
                slot.Connecting = null;
                backoff = slot.RecordFailure(_time, _backoff);
                failures = slot.FailedAttempts;
            }
            if (_disposed)
            {
                attempt.TrySetException(new ObjectDisposedException(nameof(NodeConnections)));
                return;
            }
            // Kafka warns on every failed attempt; once per outage is enough to see it, the rest would flood the log.
            _logger.Log(failures == 1 ? LogLevel.Warning : LogLevel.Debug,
                "Could not connect to node {NodeId} at {Endpoint} (attempt {Attempt}): {Reason}; next attempt in {Backoff} ms",
                slot.NodeId, endpoint, failures, e.Message, (int)backoff.TotalMilliseconds);
            attempt.TrySetException(e as KafkaConnectionException ?? new KafkaConnectionException(
                $"could not connect to node {slot.NodeId} at {endpoint}: {e.Message}", e));
            return;
        }

        bool keep;
        int failedBefore;
        lock (slot.Gate)
        {
            slot.Connecting = null;
            failedBefore = slot.FailedAttempts;
            keep = !slot.Removed && !_disposed;
            if (keep)
            {
                slot.Connection = connection;
                slot.Endpoint = endpoint;
                slot.RecordReady();
            }
        }
        if (!keep)
        {
            connection.Dispose();
            attempt.TrySetException(_disposed
                ? new ObjectDisposedException(nameof(NodeConnections))
                : new KafkaConnectionException($"the connection to node {slot.NodeId} was closed while it was being opened"));
            return;
        }
        if (failedBefore == 0)
            _logger.LogInformation("Connected to node {NodeId} at {Endpoint} from {Local}", slot.NodeId, endpoint, connection.LocalEndPoint);
        else
            _logger.LogInformation("Connected to node {NodeId} at {Endpoint} from {Local} after {Failures} failed attempts",
                slot.NodeId, endpoint, connection.LocalEndPoint, failedBefore);
        _ = WatchAsync(slot, connection);
        attempt.TrySetResult(connection);
    }

    private async Task WatchAsync(NodeSlot slot, KafkaConnection connection)
    {
        await connection.Closed;
        lock (slot.Gate) ConnectionLost(slot, connection);
    }

    /// <summary>Called under the slot's lock by whoever notices first; a connection closed on purpose is no longer the slot's.</summary>
    private void ConnectionLost(NodeSlot slot, KafkaConnection connection)
    {
        if (!ReferenceEquals(slot.Connection, connection)) return;
        slot.Connection = null;
        var backoff = slot.RecordFailure(_time, _backoff);
        _logger.LogWarning("Connection to node {NodeId} at {Endpoint} lost: {Reason}; reconnecting in {Backoff} ms at the earliest",
            slot.NodeId, slot.Endpoint, connection.CloseReason?.Message, (int)backoff.TotalMilliseconds);
    }
}
