using System.Buffers.Binary;
using System.Net.Sockets;

namespace Brook.IntegrationTests.Wire;

/// <summary>
/// A bare TCP connection speaking Kafka framing by hand: int32 size prefix, request header, body. Used to send
/// requests no well-behaved client would send.
/// </summary>
public sealed class RawKafkaConnection : IDisposable
{
    private const string ClientId = "brook-raw-test";

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawKafkaConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>How the connection ended from our side's point of view.</summary>
    public enum Outcome
    {
        /// <summary>The broker closed (EOF or reset).</summary>
        Closed,

        /// <summary>The broker sent bytes (presumably a response).</summary>
        Answered,

        /// <summary>Neither happened within the timeout.</summary>
        Silent,
    }

    public static async Task<RawKafkaConnection> ConnectAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
        return new RawKafkaConnection(client);
    }

    /// <summary>
    /// Encodes a request header followed by <paramref name="body"/>. Header v1 (key, version, correlation id, nullable
    /// client id); with <paramref name="flexibleHeader"/> header v2, which appends an empty tagged-field section.
    /// </summary>
    public static byte[] EncodeRequest(short apiKey, short apiVersion, int correlationId, ReadOnlySpan<byte> body, bool flexibleHeader = false)
    {
        var w = new WireWriter().Int16(apiKey).Int16(apiVersion).Int32(correlationId).String(ClientId);
        if (flexibleHeader) w.EmptyTaggedFields();
        w.Raw(body);
        var payload = w.ToArray();
        return new WireWriter().Int32(payload.Length).Raw(payload).ToArray();
    }

    /// <summary>Writes raw bytes (caller supplies any framing).</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _stream.WriteAsync(bytes).ConfigureAwait(false);
        await _stream.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Frames and sends one request.</summary>
    public Task SendRequestAsync(short apiKey, short apiVersion, int correlationId, ReadOnlySpan<byte> body, bool flexibleHeader = false) =>
        SendRawAsync(EncodeRequest(apiKey, apiVersion, correlationId, body, flexibleHeader));

    /// <summary>
    /// Reads one size-prefixed response and returns the bytes after the size (response header + body).
    /// Throws <see cref="EndOfStreamException"/> if the broker closes first, <see cref="TimeoutException"/> on timeout.
    /// </summary>
    public async Task<byte[]> ReadResponseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var sizeBytes = new byte[4];
            await ReadExactlyAsync(sizeBytes, cts.Token).ConfigureAwait(false);
            var size = BinaryPrimitives.ReadInt32BigEndian(sizeBytes);
            if (size is < 4 or > 64 * 1024 * 1024) throw new InvalidDataException($"implausible response size {size}");
            var payload = new byte[size];
            await ReadExactlyAsync(payload, cts.Token).ConfigureAwait(false);
            return payload;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no complete response within {timeout.TotalSeconds:0.#}s");
        }
    }

    /// <summary>Sends a request and reads its response, checking the correlation id (response header v0).</summary>
    public async Task<WireReader> RoundTripAsync(short apiKey, short apiVersion, int correlationId, ReadOnlyMemory<byte> body,
        TimeSpan timeout, bool flexibleHeader = false)
    {
        await SendRequestAsync(apiKey, apiVersion, correlationId, body.Span, flexibleHeader).ConfigureAwait(false);
        var reader = new WireReader(await ReadResponseAsync(timeout).ConfigureAwait(false));
        var echoed = reader.Int32();
        if (echoed != correlationId) throw new InvalidDataException($"correlation id {echoed}, expected {correlationId}");
        return reader;
    }

    /// <summary>Waits for the broker to either close the connection or send something.</summary>
    public async Task<Outcome> WaitForCloseOrAnswerAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            var n = await _stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false);
            return n == 0 ? Outcome.Closed : Outcome.Answered;
        }
        catch (OperationCanceledException)
        {
            return Outcome.Silent;
        }
        catch (IOException)
        {
            return Outcome.Closed; // connection reset
        }
    }

    /// <summary>Waits for EOF/reset, discarding anything received; false if the connection is still open at the timeout.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false) == 0) return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
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
