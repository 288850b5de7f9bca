using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Brook.Common;
using Brook.Protocol;

namespace Brook.Client.Tests;

/// <summary>The server end of one accepted connection: read request frames, write response frames, close.</summary>
public sealed class FakePeer : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public FakePeer(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
    }

    /// <summary>Where the client connected from.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>The next request, or null when the client closed the connection.</summary>
    public async Task<FakeRequest?> ReadRequestAsync(CancellationToken ct = default)
    {
        var size = new byte[4];
        if (!await ReadExactlyOrEndAsync(size, ct)) return null;
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        if (!await ReadExactlyOrEndAsync(frame, ct)) return null;
        var reader = new ProtocolReader(frame);
        var header = RequestHeader.ReadPrefix(ref reader);
        return new FakeRequest(header.ApiKey, header.ApiVersion, header.CorrelationId, frame);
    }

    /// <summary>The next request, or null if none arrives within <paramref name="wait"/> (the connection stays usable only if one did).</summary>
    public async Task<FakeRequest?> TryReadRequestAsync(TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            return await ReadRequestAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Answers <paramref name="request"/> with <paramref name="body"/> in the shape of the request's version.</summary>
    public Task RespondAsync(FakeRequest request, ApiDescriptor api, IMessage body, int? correlationId = null, short? bodyVersion = null) =>
        SendRawAsync(EncodeResponse(api, request.Version, correlationId ?? request.CorrelationId, body, bodyVersion));

    public static byte[] EncodeResponse(ApiDescriptor api, short version, int correlationId, IMessage body, short? bodyVersion = null)
    {
        using var buffer = new PooledBufferWriter();
        buffer.Advance(4);
        var writer = new ProtocolWriter(buffer);
        ResponseHeader.Write(writer, correlationId, api.ResponseHeaderVersion(version));
        var shape = bodyVersion ?? version;
        writer.Flexible = api.IsFlexible(shape);
        body.Write(writer, shape);
        BinaryPrimitives.WriteInt32BigEndian(buffer.WrittenSpanMutable, buffer.WrittenCount - 4);
        return buffer.WrittenSpan.ToArray();
    }

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _stream.WriteAsync(bytes);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>True once the client has closed its end (reads reach the end of the stream) within <paramref name="wait"/>.</summary>
    public async Task<bool> WaitForClientCloseAsync(TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        var sink = new byte[4096];
        try
        {
            while (await _stream.ReadAsync(sink, cts.Token) > 0) { }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset counts as closed
        }
    }

    public void Dispose()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        _stream.Dispose();
    }

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            int n;
            try
            {
                n = await _stream.ReadAsync(buffer.AsMemory(read), ct);
            }
            catch (IOException)
            {
                return false;
            }
            if (n == 0) return false;
            read += n;
        }
        return true;
    }
}
