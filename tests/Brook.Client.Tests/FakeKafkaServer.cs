using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Brook.Protocol;
using Brook.Protocol.Messages;

namespace Brook.Client.Tests;

/// <summary>
/// A loopback TCP listener that speaks Kafka framing: a scripted stand-in for a broker, so the client's unit tests can
/// make the peer stall, close, lie about correlation ids or send a huge size prefix at the moment they choose.
/// </summary>
/// <remarks>
/// Without a handler each accepted connection waits in <see cref="AcceptAsync"/> for the test to drive it; with one,
/// the handler serves every connection (<see cref="ServeAsync"/> is the usual broker-like script).
/// </remarks>
public sealed class FakeKafkaServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<FakePeer, Task>? _handler;
    private readonly Channel<FakePeer> _accepted = Channel.CreateUnbounded<FakePeer>();
    private readonly ConcurrentBag<FakePeer> _peers = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _connections;

    public FakeKafkaServer(Func<FakePeer, Task>? handler = null, IPAddress? address = null)
    {
        _handler = handler;
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        _listener.Start();
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The next accepted connection (only without a handler).</summary>
    public async Task<FakePeer> AcceptAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _accepted.Reader.ReadAsync(cts.Token);
    }

    /// <summary>
    /// A broker-like script: ApiVersions answered with <paramref name="apis"/> (or every codec's range), Metadata with one
    /// topic per requested name (UNKNOWN_TOPIC_OR_PARTITION, so the name proves which request it answers), in order.
    /// </summary>
    public static Func<FakePeer, Task> ServeAsync(IReadOnlyList<ApiVersionsResponse.ApiVersionRange>? apis = null) => async peer =>
    {
        while (await peer.ReadRequestAsync() is { } request)
        {
            switch (request.ApiKey)
            {
                case ApiKey.ApiVersions:
                    await peer.RespondAsync(request, ApiVersionsRequest.Api, new ApiVersionsResponse { ApiKeys = [.. apis ?? DefaultApis] });
                    break;
                case ApiKey.Metadata:
                    await peer.RespondAsync(request, MetadataRequest.Api, EchoMetadata(request.Decode<MetadataRequest>()));
                    break;
                default:
                    return; // unknown to the script: close, as a broker would
            }
        }
    };

    public static IReadOnlyList<ApiVersionsResponse.ApiVersionRange> DefaultApis { get; } =
    [
        new((short)ApiKey.ApiVersions, ApiVersionsRequest.Api.MinVersion, ApiVersionsRequest.Api.MaxVersion),
        new((short)ApiKey.Metadata, MetadataRequest.Api.MinVersion, MetadataRequest.Api.MaxVersion),
        new((short)ApiKey.Produce, ProduceRequest.Api.MinVersion, ProduceRequest.Api.MaxVersion),
    ];

    public static MetadataResponse EchoMetadata(MetadataRequest request) => new()
    {
        ClusterId = "fake",
        Topics = [.. (request.Topics ?? []).Select(t => new MetadataResponse.MetadataResponseTopic { Name = t.Name, ErrorCode = 3 })],
    };

    /// <summary>Stops accepting; connections already accepted stay open until disposal.</summary>
    public void StopListening() => _listener.Stop();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var peer in _peers) peer.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
                return;
            }
            var peer = new FakePeer(socket);
            _peers.Add(peer);
            Interlocked.Increment(ref _connections);
            if (_handler is null)
            {
                _accepted.Writer.TryWrite(peer);
                continue;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    await _handler(peer);
                }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException) { }
                finally
                {
                    peer.Dispose();
                }
            });
        }
    }
}
