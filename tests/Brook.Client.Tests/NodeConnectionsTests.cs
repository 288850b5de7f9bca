using System.Diagnostics;
using System.Net;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static Brook.Client.Tests.Requests;

namespace Brook.Client.Tests;

/// <summary>The pool: one negotiated connection per node, Kafka's reconnect backoff, closing a node on demand, disposal, logging.</summary>
public sealed class NodeConnectionsTests
{
    private const int Node = 2;

    private static Task<MetadataResponse> SendMetadataAsync(NodeConnections pool, string topic) =>
        pool.SendAsync<MetadataRequest, MetadataResponse>(Node, Metadata(topic), MetadataVersion, Patience);

    [Fact]
    public async Task ConcurrentSendersShareOneNegotiatedConnection()
    {
        await using var server = new FakeKafkaServer(FakeKafkaServer.ServeAsync());
        var resolved = 0;
        await using var pool = new NodeConnections(id =>
        {
            Interlocked.Increment(ref resolved);
            return id == Node ? server.EndPoint : null;
        });

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => SendMetadataAsync(pool, $"t{i}")));

        for (var i = 0; i < 20; i++) Assert.Equal($"t{i}", responses[i].Topics[0].Name);
        Assert.Equal(1, server.Connections);
        Assert.Equal(1, resolved);
        Assert.True(pool.IsReady(Node));
        var connection = await pool.GetConnectionAsync(Node);
        Assert.NotNull(connection.ApiVersions);
        Assert.Equal(MetadataRequest.Api.MaxVersion, connection.PickVersion(MetadataRequest.Api));
    }

    [Fact]
    public async Task ANodeTheResolverDoesNotKnowFails()
    {
        await using var pool = new NodeConnections(_ => null);

        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => pool.GetConnectionAsync(7));
        Assert.Contains("node 7", error.Message);
        Assert.False(pool.IsReady(7));
    }

    [Fact]
    public async Task FailedAttemptsBackOffExponentiallyAndASuccessResetsTheBackoff()
    {
        // The pool's clock is fake so the waits are exact; only the refused connects take real time.
        var time = new FakeTimeProvider();
        await using var server = new FakeKafkaServer(FakeKafkaServer.ServeAsync());
        EndPoint target = DeadEndPoint();
        await using var pool = new NodeConnections(_ => target, WithClock(time));

        await Assert.ThrowsAsync<KafkaConnectionException>(() => pool.GetConnectionAsync(Node));
        // Kafka's order: the first failure owes reconnect.backoff.ms, each further one doubles it, ±20 %, capped at 1 s.
        (int Low, int High)[] expected = [(40, 60), (80, 120), (160, 240), (320, 480), (640, 960), (800, 1000), (800, 1000)];
        for (var failure = 0; failure < expected.Length; failure++)
        {
            var owed = pool.GetReconnectDelay(Node);
            Assert.InRange(owed.TotalMilliseconds, expected[failure].Low, expected[failure].High);
            if (failure == expected.Length - 1) break;
            var attempt = pool.GetConnectionAsync(Node);
            var waited = await AdvanceUntilDoneAsync(time, attempt);
            // The next attempt starts only once the backoff owed has passed on the pool's clock (which keeps moving
            // while the refused connect takes its few real milliseconds, hence the slack above).
            Assert.InRange(waited, owed, owed + Slack);
            await Assert.ThrowsAsync<KafkaConnectionException>(() => attempt);
        }

        target = server.EndPoint;
        var reconnect = pool.GetConnectionAsync(Node);
        await AdvanceUntilDoneAsync(time, reconnect);
        Assert.True((await reconnect).IsConnected);
        Assert.Equal(TimeSpan.Zero, pool.GetReconnectDelay(Node));
    }

    [Fact]
    public async Task ALostConnectionIsReopenedAfterTheInitialBackoffAndLogged()
    {
        var time = new FakeTimeProvider();
        var logger = new CapturingLogger();
        await using var server = new FakeKafkaServer(FakeKafkaServer.ServeAsync());
        await using var pool = new NodeConnections(_ => server.EndPoint, WithClock(time), logger);
        var first = await pool.GetConnectionAsync(Node);

        first.Dispose(); // as if the peer had dropped it: the pool did not ask for this
        await WaitUntilAsync(() => logger.Entries.Any(e => e.Level == LogLevel.Warning));
        var owed = pool.GetReconnectDelay(Node);
        Assert.InRange(owed.TotalMilliseconds, 40, 60);
        Assert.False(pool.IsReady(Node));

        var reopening = pool.GetConnectionAsync(Node);
        var waited = await AdvanceUntilDoneAsync(time, reopening);
        Assert.InRange(waited, owed, owed + Slack);
        var second = await reopening;
        Assert.NotSame(first, second);
        Assert.True(second.IsConnected);
        Assert.Equal(2, server.Connections);

        var lost = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains($"node {Node}", lost.Message);
        Assert.Contains(server.EndPoint.ToString(), lost.Message);
        Assert.Contains("closed locally", lost.Message);
        var up = logger.Entries.Where(e => e.Level == LogLevel.Information).ToList();
        Assert.Equal(2, up.Count);
        Assert.All(up, e => Assert.Contains($"Connected to node {Node} at {server.EndPoint}", e.Message));
    }

    [Fact]
    public async Task RepeatedFailuresWarnOnceThenLogAtDebug()
    {
        var logger = new CapturingLogger();
        var dead = DeadEndPoint();
        await using var pool = new NodeConnections(_ => dead,
            new NodeConnectionsOptions { ReconnectBackoff = TimeSpan.FromMilliseconds(1), ReconnectBackoffMax = TimeSpan.FromMilliseconds(2) }, logger);

        for (var i = 0; i < 3; i++) await Assert.ThrowsAsync<KafkaConnectionException>(() => pool.GetConnectionAsync(Node));

        Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(2, logger.Entries.Count(e => e.Level == LogLevel.Debug));
        Assert.All(logger.Entries, e => Assert.Contains($"node {Node} at {dead}", e.Message));
    }

    [Fact]
    public async Task ClosingANodeFailsItsRequestsAndTheNextRequestGoesToItsNewEndpointAtOnce()
    {
        var logger = new CapturingLogger();
        await using var silent = new FakeKafkaServer(async peer =>
        {
            // Answers ApiVersions, then swallows requests: the pending one can only end by the close.
            var request = (await peer.ReadRequestAsync())!;
            await peer.RespondAsync(request, ApiVersionsRequest.Api, new ApiVersionsResponse { ApiKeys = [.. FakeKafkaServer.DefaultApis] });
            while (await peer.ReadRequestAsync() is not null) { }
        });
        await using var moved = new FakeKafkaServer(FakeKafkaServer.ServeAsync());
        EndPoint target = silent.EndPoint;
        await using var pool = new NodeConnections(_ => target, logger: logger);

        var pending = SendMetadataAsync(pool, "stuck");
        await WaitUntilAsync(() => pool.IsReady(Node));
        target = moved.EndPoint;
        pool.Close(Node);

        await Assert.ThrowsAsync<KafkaConnectionException>(() => pending.WaitAsync(Patience));
        Assert.False(pool.IsReady(Node));
        Assert.Equal(TimeSpan.Zero, pool.GetReconnectDelay(Node));
        Assert.Equal("moved", (await SendMetadataAsync(pool, "moved")).Topics[0].Name);
        Assert.Equal(1, moved.Connections);
        // A close on demand is not an outage.
        Assert.DoesNotContain(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("Closed the connection to node 2"));
    }

    [Fact]
    public async Task ClosingANodeWithoutAConnectionDoesNothing()
    {
        await using var pool = new NodeConnections(_ => null);
        pool.Close(Node);
        Assert.False(pool.IsReady(Node));
    }

    [Fact]
    public async Task DisposingFailsPendingRequestsAndRefusesNewOnes()
    {
        await using var server = new FakeKafkaServer(async peer =>
        {
            var request = (await peer.ReadRequestAsync())!;
            await peer.RespondAsync(request, ApiVersionsRequest.Api, new ApiVersionsResponse { ApiKeys = [.. FakeKafkaServer.DefaultApis] });
            while (await peer.ReadRequestAsync() is not null) { }
        });
        var pool = new NodeConnections(_ => server.EndPoint);
        var pending = SendMetadataAsync(pool, "stuck");
        await WaitUntilAsync(() => pool.IsReady(Node));

        await pool.DisposeAsync();

        await Assert.ThrowsAsync<KafkaConnectionException>(() => pending.WaitAsync(Patience));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.GetConnectionAsync(Node));
    }

    [Fact]
    public async Task ConnectionsLeaveFromTheConfiguredLocalAddress()
    {
        await using var server = new FakeKafkaServer();
        await using var pool = new NodeConnections(_ => server.EndPoint,
            new NodeConnectionsOptions { Connection = new KafkaConnectionOptions { LocalAddress = IPAddress.Loopback } });

        var connecting = pool.GetConnectionAsync(Node);
        using var peer = await server.AcceptAsync();
        var request = (await peer.ReadRequestAsync())!;
        Assert.Equal(ApiKey.ApiVersions, request.ApiKey);
        await peer.RespondAsync(request, ApiVersionsRequest.Api, new ApiVersionsResponse { ApiKeys = [.. FakeKafkaServer.DefaultApis] });

        var connection = await connecting.WaitAsync(Patience);
        Assert.Equal(IPAddress.Loopback, peer.RemoteEndPoint.Address);
        Assert.Equal(connection.LocalEndPoint, peer.RemoteEndPoint);
    }

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(100);

    private static NodeConnectionsOptions WithClock(TimeProvider time) =>
        new() { Connection = new KafkaConnectionOptions { TimeProvider = time } };

    /// <summary>
    /// Moves the fake clock forward a step at a time until <paramref name="task"/> ends; returns how far it moved. Steps,
    /// not one jump, because the pool may not have started its wait yet when the test first advances.
    /// </summary>
    private static async Task<TimeSpan> AdvanceUntilDoneAsync(FakeTimeProvider time, Task task)
    {
        var advanced = TimeSpan.Zero;
        var real = Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            if (real.Elapsed > Patience) throw new TimeoutException($"still running after the clock moved {advanced.TotalMilliseconds} ms");
            // Let the pool's continuations run before the clock moves: it must see the time it waits from.
            await Task.WhenAny(task, Task.Delay(2));
            if (task.IsCompleted) break;
            time.Advance(Step);
            advanced += Step;
        }
        return advanced;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (stopwatch.Elapsed > Patience) throw new TimeoutException("condition not reached");
            await Task.Delay(10);
        }
    }
}
