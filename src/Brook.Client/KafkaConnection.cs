using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;

namespace Brook.Client;

/// <summary>One TCP connection to one Kafka broker or controller, with pipelined requests answered in order.</summary>
/// <remarks>
/// <para>Any number of callers may send at once. Each request is encoded by its caller, then a single writer loop gives
/// it the next correlation id, records it as in flight and writes it, flushing when no further request is queued. Kafka
/// answers the requests of one connection in order, so a single reader loop matches each response to the oldest
/// request in flight and requires its correlation id to be that request's; anything else means we no longer know the
/// stream and the connection is closed. At most <see cref="KafkaConnectionOptions.MaxInFlight"/> requests are in flight.</para>
/// <para>A request that times out after it was written closes the connection (as Kafka's NetworkClient does: a late
/// response would otherwise be read as the answer to something else). A cancelled request that was already written
/// leaves the connection open; its response is read and dropped. When the connection goes down, for whatever reason,
/// every pending request fails with <see cref="KafkaConnectionException"/> and so does every later send: a connection is
/// never reopened, <see cref="NodeConnections"/> makes a new one.</para>
/// <para>Responses are read through a <see cref="PipeReader"/> and each is copied once into an array of its exact
/// size, which the decoded message then uses as the backing store of its byte fields (record sets are slices of it).</para>
/// </remarks>
public sealed class KafkaConnection : IAsyncDisposable, IDisposable
{
    /// <summary>Flush a burst of queued requests once this much is buffered, so a long queue does not pile up in memory.</summary>
    private const int FlushThreshold = 64 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly KafkaConnectionOptions _options;
    private readonly Channel<InFlightRequest> _outgoing;
    private readonly ConcurrentQueue<InFlightRequest> _awaitingResponse = new();
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readLoop;
    private readonly Task _writeLoop;
    private Exception? _closeReason;
    private int _nextCorrelationId;
    private volatile BrokerApiVersions? _apiVersions;

    private KafkaConnection(Socket socket, EndPoint remote, KafkaConnectionOptions options)
    {
        _socket = socket;
        _options = options;
        RemoteEndPoint = remote;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _stream = new NetworkStream(socket, ownsSocket: true);
        // Large reads: a follower Fetch response is megabytes, and each read is a system call.
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _slots = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
        _outgoing = Channel.CreateUnbounded<InFlightRequest>(new UnboundedChannelOptions { SingleReader = true });
        _readLoop = Task.Run(ReadLoopAsync);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    /// <summary>The endpoint this connection was opened to, as given (a DNS name stays a name).</summary>
    public EndPoint RemoteEndPoint { get; }

    /// <summary>The local address and port the socket is bound to.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>False once the connection is closed; it never comes back.</summary>
    public bool IsConnected => Volatile.Read(ref _closeReason) is null;

    /// <summary>Completes (never faults) when the connection has closed; <see cref="CloseReason"/> then says why.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Why the connection closed, or null while it is open.</summary>
    public Exception? CloseReason => Volatile.Read(ref _closeReason);

    /// <summary>The peer's API ranges after <see cref="NegotiateApiVersionsAsync"/>, else null.</summary>
    public BrokerApiVersions? ApiVersions => _apiVersions;

    /// <summary>
    /// Opens a connection to <paramref name="endpoint"/> (an <see cref="IPEndPoint"/> or a <see cref="DnsEndPoint"/>),
    /// from <see cref="KafkaConnectionOptions.LocalAddress"/> if set, within <see cref="KafkaConnectionOptions.ConnectTimeout"/>.
    /// Throws <see cref="KafkaConnectionException"/> if it cannot.
    /// </summary>
    public static async Task<KafkaConnection> ConnectAsync(EndPoint endpoint, KafkaConnectionOptions? options = null, CancellationToken ct = default)
    {
        options ??= KafkaConnectionOptions.Default;
        if (options.MaxInFlight < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxInFlight must be at least 1");
        var socket = await SocketConnector.ConnectAsync(endpoint, options, ct);
        return new KafkaConnection(socket, endpoint, options);
    }

    /// <summary>
    /// Sends ApiVersions and keeps the peer's ranges for <see cref="PickVersion(ApiKey, short, short)"/>. Starts at the
    /// newest version our codec knows; a peer that does not know it answers UNSUPPORTED_VERSION in a v0 body with its own
    /// ApiVersions range (KIP-511), and the request is repeated at the highest version both know.
    /// </summary>
    public async Task<BrokerApiVersions> NegotiateApiVersionsAsync(CancellationToken ct = default)
    {
        var api = ApiVersionsRequest.Api;
        var version = api.MaxVersion;
        var request = new ApiVersionsRequest
        {
            ClientSoftwareName = _options.ClientSoftwareName,
            ClientSoftwareVersion = _options.ClientSoftwareVersion,
        };
        while (true)
        {
            var frame = await SendFrameAsync(request, api, version, expectsResponse: true, _options.RequestTimeout, ct);
            var response = DecodeApiVersions(frame, version);
            if (response.ErrorCode == (short)ErrorCode.UnsupportedVersion && version > api.MinVersion)
            {
                var theirs = response.ApiKeys.FirstOrDefault(k => k.ApiKey == (short)ApiKey.ApiVersions);
                var next = (short)Math.Min(theirs?.MaxVersion ?? api.MinVersion, version - 1);
                if (next >= api.MinVersion)
                {
                    version = next;
                    continue;
                }
            }
            if (response.ErrorCode != 0)
                throw new KafkaException((ErrorCode)response.ErrorCode, $"ApiVersions v{version} to {RemoteEndPoint} answered {(ErrorCode)response.ErrorCode}");
            var versions = new BrokerApiVersions(response.ApiKeys);
            _apiVersions = versions;
            return versions;
        }
    }

    /// <summary>
    /// The highest version of <paramref name="key"/> in both <c>ourMin..ourMax</c> and the peer's range. Throws
    /// <see cref="UnsupportedVersionException"/> if there is none, <see cref="InvalidOperationException"/> before negotiation.
    /// </summary>
    public short PickVersion(ApiKey key, short ourMin, short ourMax) => NegotiatedVersions.PickVersion(key, ourMin, ourMax);

    /// <summary><see cref="PickVersion(ApiKey, short, short)"/> over the whole range our codec for the API handles.</summary>
    public short PickVersion(ApiDescriptor api) => NegotiatedVersions.PickVersion(api);

    private BrokerApiVersions NegotiatedVersions =>
        _apiVersions ?? throw new InvalidOperationException($"no ApiVersions negotiated with {RemoteEndPoint} yet");

    /// <summary>
    /// Sends <paramref name="request"/> at <paramref name="version"/> and decodes the response at the same version,
    /// waiting at most <see cref="KafkaConnectionOptions.RequestTimeout"/>.
    /// </summary>
    public Task<TResponse> SendAsync<TRequest, TResponse>(TRequest request, short version, CancellationToken ct = default)
        where TRequest : IRequestMessage
        where TResponse : IMessage, new() =>
        SendAsync<TRequest, TResponse>(request, version, _options.RequestTimeout, ct);

    /// <summary>
    /// Sends <paramref name="request"/> at <paramref name="version"/> and decodes the response at the same version.
    /// Throws <see cref="RequestTimeoutException"/> after <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>
    /// for none; a timeout after the request was written closes the connection), <see cref="KafkaConnectionException"/>
    /// if the connection is or goes down, <see cref="OperationCanceledException"/> on <paramref name="ct"/>,
    /// <see cref="UnsupportedVersionException"/> if negotiation showed the peer does not serve the version, and
    /// <see cref="ProtocolException"/> if the response does not decode (the connection stays usable: framing is intact).
    /// </summary>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(TRequest request, short version, TimeSpan timeout, CancellationToken ct = default)
        where TRequest : IRequestMessage
        where TResponse : IMessage, new()
    {
        if (request is ProduceRequest { Acks: 0 })
            throw new ArgumentException("Produce with acks=0 gets no response: send it with SendWithoutResponseAsync", nameof(request));
        var frame = await SendFrameAsync(request, TRequest.Api, version, expectsResponse: true, timeout, ct);
        // The message keeps slices of the frame for its byte fields, so a rented frame is simply never returned here.
        return RequestCodec.Decode<TResponse>(frame.Memory, TRequest.Api, version);
    }

    /// <summary>
    /// As <see cref="SendAsync{TRequest,TResponse}(TRequest,short,TimeSpan,CancellationToken)"/>, but a large response
    /// stays in a pooled buffer until the returned lease is disposed: the caller must be done with the response's
    /// record sets by then.
    /// </summary>
    public async Task<LeasedResponse<TResponse>> SendLeasedAsync<TRequest, TResponse>(TRequest request, short version, TimeSpan timeout, CancellationToken ct = default)
        where TRequest : IRequestMessage
        where TResponse : IMessage, new()
    {
        var frame = await SendFrameAsync(request, TRequest.Api, version, expectsResponse: true, timeout, ct);
        try
        {
            return new LeasedResponse<TResponse>(RequestCodec.Decode<TResponse>(frame.Memory, TRequest.Api, version), frame);
        }
        catch
        {
            frame.Release();
            throw;
        }
    }

    /// <summary>
    /// Sends a request the peer does not answer (Produce with acks=0); completes once the request is flushed to the socket.
    /// </summary>
    public async Task SendWithoutResponseAsync<TRequest>(TRequest request, short version, CancellationToken ct = default)
        where TRequest : IRequestMessage =>
        await SendFrameAsync(request, TRequest.Api, version, expectsResponse: false, _options.RequestTimeout, ct);

    /// <summary>Closes the connection; pending requests fail with <see cref="KafkaConnectionException"/>.</summary>
    public void Dispose() => Abort(new KafkaConnectionException($"connection to {RemoteEndPoint} was closed locally"));

    /// <summary>Closes the connection and waits until its loops have stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        Dispose();
        await Task.WhenAll(_readLoop, _writeLoop);
    }

    private async Task<ResponseFrame> SendFrameAsync(IMessage request, ApiDescriptor api, short version, bool expectsResponse, TimeSpan timeout, CancellationToken ct)
    {
        if (!api.Supports(version))
            throw new ArgumentOutOfRangeException(nameof(version), $"{api.Key} v{version} is outside our codec's v{api.MinVersion}-{api.MaxVersion}");
        // Kafka's NetworkClient refuses locally what the peer said it cannot parse: the peer would close the connection.
        if (_apiVersions is { } known && api.Key != ApiKey.ApiVersions && !known.TryPickVersion(api.Key, version, version, out _))
            throw new UnsupportedVersionException($"{RemoteEndPoint} does not serve {api.Key} v{version}", api.Key);
        ThrowIfClosed();

        var entry = new InFlightRequest(RequestCodec.Encode(request, api, version, _options.ClientId), api.Key, version, expectsResponse);
        using var timer = timeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _closing.Token, timer?.Token ?? CancellationToken.None);
        try
        {
            await _slots.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            entry.ReleaseFrame();
            throw Interrupted(entry, timer, timeout, sent: false, ct);
        }
        if (!_outgoing.Writer.TryWrite(entry))
        {
            entry.ReleaseFrame();
            if (entry.TryRetire()) _slots.Release();
            throw ClosedError();
        }

        try
        {
            return await entry.Response.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            if (entry.Response.IsCompletedSuccessfully) return entry.Response.Result;
            // Still queued: the writer will drop it unsent. Already sent: its response will be read and dropped.
            var sent = !entry.TryAbandon();
            var error = Interrupted(entry, timer, timeout, sent, ct);
            if (error is RequestTimeoutException { WasSent: true }) Abort(error);
            throw error;
        }
    }

    /// <summary>The exception for a send interrupted by the caller's token, the timeout or the close, in that precedence.</summary>
    private Exception Interrupted(InFlightRequest entry, CancellationTokenSource? timer, TimeSpan timeout, bool sent, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return new OperationCanceledException($"{entry.ApiKey} request was cancelled", ct);
        if (timer?.IsCancellationRequested == true)
        {
            var ms = timeout.TotalMilliseconds;
            return sent
                ? new RequestTimeoutException(
                    $"{entry.ApiKey} v{entry.Version} (correlation id {entry.CorrelationId}) got no response from {RemoteEndPoint} within {ms:0} ms; closing the connection",
                    entry.ApiKey, wasSent: true)
                : new RequestTimeoutException(
                    $"{entry.ApiKey} v{entry.Version} waited {ms:0} ms for one of {_options.MaxInFlight} in-flight slots to {RemoteEndPoint} and was not sent",
                    entry.ApiKey, wasSent: false);
        }
        return ClosedError();
    }

    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _closeReason) is not null) throw ClosedError();
    }

    private KafkaConnectionException ClosedError()
    {
        var reason = Volatile.Read(ref _closeReason);
        return new KafkaConnectionException($"connection to {RemoteEndPoint} is closed: {reason?.Message}", reason);
    }

    /// <summary>Closes the connection once: the first reason sticks, pending and later requests fail with it as the cause.</summary>
    private void Abort(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null) return;
        _outgoing.Writer.TryComplete();
        // Cancellation callbacks resume the waiting callers; run them off this thread, which may be a loop of ours.
        _ = _closing.CancelAsync();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        _stream.Dispose();
        while (_awaitingResponse.TryDequeue(out var entry)) Retire(entry, ClosedError());
        _closed.TrySetResult();
    }

    private void Retire(InFlightRequest entry, Exception? error = null, ResponseFrame? response = null)
    {
        if (error is not null) entry.Fail(error);
        else entry.Complete(response ?? ResponseFrame.Empty);
        if (entry.TryRetire()) _slots.Release();
    }

    private async Task WriteLoopAsync()
    {
        var queue = _outgoing.Reader;
        // Requests without a response are done once flushed; they wait here for the flush.
        var flushedOneWay = new List<InFlightRequest>();
        Exception? failure = null;
        try
        {
            while (await queue.WaitToReadAsync(_closing.Token))
            {
                while (queue.TryRead(out var entry))
                {
                    if (!entry.TryMarkSent())
                    {
                        entry.ReleaseFrame();
                        if (entry.TryRetire()) _slots.Release();
                        continue;
                    }
                    var id = _nextCorrelationId;
                    _nextCorrelationId = id == int.MaxValue ? 0 : id + 1;
                    entry.CorrelationId = id;
                    var frame = entry.Frame.WrittenSpanMutable;
                    BinaryPrimitives.WriteInt32BigEndian(frame[RequestCodec.CorrelationIdOffset..], id);
                    // In flight before the first byte leaves, so the reader always finds the request its response answers.
                    if (entry.ExpectsResponse) _awaitingResponse.Enqueue(entry);
                    else flushedOneWay.Add(entry);
                    _output.Write(frame);
                    entry.ReleaseFrame();
                    if (_output.UnflushedBytes >= FlushThreshold) await FlushAsync(flushedOneWay);
                }
                await FlushAsync(flushedOneWay);
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // Closed while waiting for work or flushing: the close already has its reason.
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            Abort(new KafkaConnectionException($"writing to {RemoteEndPoint} failed: {failure?.Message}", failure));
            foreach (var entry in flushedOneWay) Retire(entry, ClosedError());
            while (queue.TryRead(out var entry))
            {
                entry.ReleaseFrame();
                Retire(entry, ClosedError());
            }
            await _output.CompleteAsync();
        }
    }

    private async Task FlushAsync(List<InFlightRequest> flushedOneWay)
    {
        var result = await _output.FlushAsync(_closing.Token);
        if (result.IsCompleted) throw new KafkaConnectionException($"{RemoteEndPoint} stopped reading");
        foreach (var entry in flushedOneWay) Retire(entry);
        flushedOneWay.Clear();
    }

    private async Task ReadLoopAsync()
    {
        Exception reason;
        ResponseFrame? frame = null;
        var filled = 0;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(_closing.Token);
                var buffer = result.Buffer;
                while (true)
                {
                    if (frame is null)
                    {
                        if (buffer.Length < 4) break;
                        var size = ReadSize(buffer);
                        // Checked before anything is buffered: a bad size means a broken peer or a stream we lost our place in.
                        if (size < 4 || size > _options.MaxResponseBytes)
                            throw new KafkaConnectionException(
                                $"response size {size} from {RemoteEndPoint} is outside 4..{_options.MaxResponseBytes} bytes");
                        frame = ResponseFrame.Allocate(size);
                        filled = 0;
                        buffer = buffer.Slice(4);
                    }
                    var current = frame.Value;
                    var take = (int)Math.Min(current.Length - filled, buffer.Length);
                    buffer.Slice(0, take).CopyTo(current.Buffer.AsSpan(filled));
                    filled += take;
                    buffer = buffer.Slice(take);
                    if (filled < current.Length) break;
                    frame = null;
                    Deliver(current);
                }
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    reason = new KafkaConnectionException(frame is null
                        ? $"{RemoteEndPoint} closed the connection"
                        : $"{RemoteEndPoint} closed the connection after {filled} of {frame.Value.Length} bytes of a response");
                    break;
                }
            }
        }
        catch (Exception e)
        {
            reason = e is KafkaConnectionException ? e : new KafkaConnectionException($"reading from {RemoteEndPoint} failed: {e.Message}", e);
        }
        Abort(reason);
        await _input.CompleteAsync();
    }

    private void Deliver(ResponseFrame frame)
    {
        var correlationId = BinaryPrimitives.ReadInt32BigEndian(frame.Buffer);
        if (!_awaitingResponse.TryDequeue(out var entry))
            throw new KafkaConnectionException($"{RemoteEndPoint} sent a response (correlation id {correlationId}) to no request");
        if (entry.CorrelationId != correlationId)
        {
            var error = new KafkaConnectionException(
                $"{RemoteEndPoint} answered correlation id {correlationId} where {entry.ApiKey} v{entry.Version} (correlation id {entry.CorrelationId}) was next");
            Retire(entry, error);
            frame.Release();
            throw error;
        }
        Retire(entry, response: frame);
    }

    private static int ReadSize(ReadOnlySequence<byte> buffer)
    {
        Span<byte> four = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(four);
        return BinaryPrimitives.ReadInt32BigEndian(four);
    }

    /// <summary>
    /// An ApiVersions response at the version sent, or the v0 body a peer answers when it does not know that version
    /// (KIP-511): the header is v0 in both cases, so only the body needs the fallback.
    /// </summary>
    private static ApiVersionsResponse DecodeApiVersions(ResponseFrame frame, short version)
    {
        try
        {
            return RequestCodec.Decode<ApiVersionsResponse>(frame.Memory, ApiVersionsRequest.Api, version);
        }
        catch (ProtocolException) when (version > 0)
        {
            var fallback = RequestCodec.Decode<ApiVersionsResponse>(frame.Memory, ApiVersionsRequest.Api, 0);
            if (fallback.ErrorCode != (short)ErrorCode.UnsupportedVersion) throw;
            return fallback;
        }
    }
}
