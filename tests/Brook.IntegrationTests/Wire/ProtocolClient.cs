using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Brook.Protocol;
using Brook.Protocol.Messages;

namespace Brook.IntegrationTests.Wire;

/// <summary>
/// A minimal Kafka client over one TCP connection that encodes requests and decodes responses with Brook.Protocol's
/// message classes, so a test can send any request at any version with field values no real client would pick
/// (stale epochs, made-up generations). One request is in flight at a time.
/// </summary>
/// <remarks>
/// The request header is v1 or v2 and the response header v0 or v1, as the message's <see cref="ApiDescriptor"/> says
/// for the version. Decoding is strict: a response with bytes left over after its body fails the call, which catches a
/// broker answering in another version's shape.
/// </remarks>
public sealed class ProtocolClient : IDisposable
{
    private const string ClientId = "brook-protocol-test";
    private const int MaxResponseBytes = 64 * 1024 * 1024;
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private int _correlationId;

    private ProtocolClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Connects to a broker on the loopback interface.</summary>
    public static async Task<ProtocolClient> ConnectAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
            return new ProtocolClient(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> encoded at <paramref name="version"/> and decodes the response at the same
    /// version. Throws <see cref="EndOfStreamException"/> if the broker closes the connection, <see cref="TimeoutException"/>
    /// if no complete response arrives in time, <see cref="InvalidDataException"/> on a mismatched correlation id or
    /// trailing bytes.
    /// </summary>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(TRequest request, short version, TimeSpan? timeout = null)
        where TRequest : IRequestMessage
        where TResponse : IMessage, new()
    {
        var api = TRequest.Api;
        if (!api.Supports(version))
            throw new ArgumentOutOfRangeException(nameof(version), $"{api.Key} v{version} is outside the codec's v{api.MinVersion}-{api.MaxVersion}");
        var correlationId = ++_correlationId;
        var frame = Encode(request, api, version, correlationId);
        await _stream.WriteAsync(frame).ConfigureAwait(false);
        var payload = await ReadFrameAsync(timeout ?? DefaultTimeout).ConfigureAwait(false);
        return Decode<TResponse>(payload, api, version, correlationId);
    }

    /// <summary>ApiVersions v3: a cheap request that proves the connection is still served.</summary>
    public Task<ApiVersionsResponse> ApiVersionsAsync() =>
        SendAsync<ApiVersionsRequest, ApiVersionsResponse>(
            new ApiVersionsRequest { ClientSoftwareName = "brook-tests", ClientSoftwareVersion = "1.0" }, 3);

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }

    private static byte[] Encode(IMessage request, ApiDescriptor api, short version, int correlationId)
    {
        var body = new ArrayBufferWriter<byte>(256);
        var writer = new ProtocolWriter(body);
        new RequestHeader { ApiKey = api.Key, ApiVersion = version, CorrelationId = correlationId, ClientId = ClientId }
            .Write(writer, api.RequestHeaderVersion(version));
        // The header's client id is a classic string even in header v2; only the body uses compact encodings.
        writer.Flexible = api.IsFlexible(version);
        request.Write(writer, version);

        var frame = new byte[4 + body.WrittenCount];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.WrittenCount);
        body.WrittenSpan.CopyTo(frame.AsSpan(4));
        return frame;
    }

    private static TResponse Decode<TResponse>(byte[] payload, ApiDescriptor api, short version, int correlationId)
        where TResponse : IMessage, new()
    {
        var reader = new ProtocolReader(payload, api.IsFlexible(version));
        var echoed = ResponseHeader.Read(ref reader, api.ResponseHeaderVersion(version));
        if (echoed != correlationId) throw new InvalidDataException($"{api.Key}: correlation id {echoed}, expected {correlationId}");
        var response = new TResponse();
        response.Read(ref reader, version);
        if (reader.Remaining != 0)
            throw new InvalidDataException($"{api.Key} v{version} response: {reader.Remaining} bytes left after the body");
        return response;
    }

    private async Task<byte[]> ReadFrameAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var sizeBytes = new byte[4];
            await ReadExactlyAsync(sizeBytes, cts.Token).ConfigureAwait(false);
            var size = BinaryPrimitives.ReadInt32BigEndian(sizeBytes);
            if (size is < 4 or > MaxResponseBytes) throw new InvalidDataException($"implausible response size {size}");
            var payload = new byte[size];
            await ReadExactlyAsync(payload, cts.Token).ConfigureAwait(false);
            return payload;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no complete response within {timeout.TotalSeconds:0.#}s");
        }
    }

    private async Task ReadExactlyAsync(byte[] buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            int n;
            try
            {
                n = await _stream.ReadAsync(buffer.AsMemory(read), ct).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new EndOfStreamException("connection reset by broker", ex);
            }
            if (n == 0) throw new EndOfStreamException($"broker closed the connection after {read} of {buffer.Length} bytes");
            read += n;
        }
    }
}
