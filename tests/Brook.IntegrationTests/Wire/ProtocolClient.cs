using System.Net;
using Brook.Client;
using Brook.Protocol;
using Brook.Protocol.Messages;

namespace Brook.IntegrationTests.Wire;

/// <summary>
/// A Kafka client over one TCP connection that encodes requests and decodes responses with Brook.Protocol's message
/// classes, so a test can send any request at any version with field values no real client would pick (stale epochs,
/// made-up generations). A thin wrapper over Brook.Client's <see cref="KafkaConnection"/>, which the broker itself uses.
/// </summary>
/// <remarks>
/// No ApiVersions negotiation: a test may send a version the broker does not serve, to see what it does. Decoding is
/// strict: a response with bytes left over after its body fails the call, which catches a broker answering in another
/// version's shape. Requests may be sent concurrently; they are pipelined on the connection.
/// </remarks>
public sealed class ProtocolClient : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private static readonly KafkaConnectionOptions Options = new()
    {
        ClientId = "brook-protocol-test",
        ClientSoftwareName = "brook-tests",
        RequestTimeout = DefaultTimeout,
        MaxInFlight = 128,
        MaxResponseBytes = 64 * 1024 * 1024,
    };

    private readonly KafkaConnection _connection;

    private ProtocolClient(KafkaConnection connection) => _connection = connection;

    /// <summary>The connection underneath, for tests that pipeline or inspect it.</summary>
    public KafkaConnection Connection => _connection;

    /// <summary>Connects to a broker on the loopback interface.</summary>
    public static Task<ProtocolClient> ConnectAsync(int port) => ConnectAsync(IPAddress.Loopback, port);

    /// <summary>Connects to a broker at <paramref name="address"/> (another loopback address, a node in a network namespace).</summary>
    public static async Task<ProtocolClient> ConnectAsync(IPAddress address, int port) =>
        new(await KafkaConnection.ConnectAsync(new IPEndPoint(address, port), Options));

    /// <summary>
    /// Sends <paramref name="request"/> encoded at <paramref name="version"/> and decodes the response at the same
    /// version. Throws <see cref="KafkaConnectionException"/> if the broker closes the connection,
    /// <see cref="RequestTimeoutException"/> if no response arrives in time (which closes the connection),
    /// <see cref="ProtocolException"/> on trailing bytes.
    /// </summary>
    public Task<TResponse> SendAsync<TRequest, TResponse>(TRequest request, short version, TimeSpan? timeout = null)
        where TRequest : IRequestMessage
        where TResponse : IMessage, new() =>
        _connection.SendAsync<TRequest, TResponse>(request, version, timeout ?? DefaultTimeout);

    /// <summary>ApiVersions v3: a cheap request that proves the connection is still served.</summary>
    public Task<ApiVersionsResponse> ApiVersionsAsync() =>
        SendAsync<ApiVersionsRequest, ApiVersionsResponse>(
            new ApiVersionsRequest { ClientSoftwareName = "brook-tests", ClientSoftwareVersion = "1.0" }, 3);

    public void Dispose() => _connection.Dispose();
}
