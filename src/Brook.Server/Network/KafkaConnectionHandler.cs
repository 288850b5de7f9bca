using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Threading.Channels;
using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Hosting;
using Brook.Server.Metrics;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Network;

/// <summary>
/// The whole life of one Kafka connection: size-prefixed frames read from the pipe, dispatched to handlers in arrival
/// order, responses written in the same order (several requests may be in flight; a slow one holds back the ones behind
/// it, as Kafka's per-connection ordering requires). Bad input closes this connection only. A parsed request first
/// passes the <see cref="IRequestGate"/>; a refused request, or a handler that throws, is answered with the API's
/// error response (a <see cref="KafkaException"/>'s code, else UNKNOWN_SERVER_ERROR) instead of closing the connection,
/// as Kafka's KafkaApis does.
/// </summary>
public sealed class KafkaConnectionHandler(
    ApiRegistry registry,
    IRequestGate gate,
    BrokerReadiness readiness,
    ServerOptions options,
    BrokerMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger<KafkaConnectionHandler> logger) : ConnectionHandler
{
    /// <summary>Key under which the listener set-up stores the listener name in <see cref="ConnectionContext.Items"/>.</summary>
    public const string ListenerNameItem = "brook.listener";

    /// <param name="Received">Stopwatch timestamps for the request metrics: last byte read, handler started, handler returned.</param>
    private readonly record struct Pending(int CorrelationId, short HeaderVersion, short Version, ValueTask<IMessage?> Response, byte[] Frame, ApiKey Key,
        IApiHandler? Handler, IRequestMessage? Request, long Received = 0, long Started = 0, long Returned = 0);

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // A client listener binds before the broker has loaded and registered (see BrokerReadiness). Until then a client
        // connection is closed at once, which clients treat like a refused connection and retry after their backoff;
        // holding its requests instead would let them time out "maybe written". The controller listener serves the
        // quorum at once: peers need it to elect a leader while this node is still starting.
        if (!readiness.Ready.IsCompletedSuccessfully && !IsControllerListener(connection))
        {
            connection.Abort();
            return;
        }
        var listener = connection.Items.TryGetValue(ListenerNameItem, out var name) && name is string s ? s : "PLAINTEXT";
        var pending = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.MaxInFlightPerConnection)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var session = new ConnectionSession
        {
            ConnectionId = connection.ConnectionId,
            ListenerName = listener,
            Scope = options.ControllerListenerNames.Contains(listener) ? ListenerScope.Controller : ListenerScope.Broker,
            RemoteEndPoint = connection.RemoteEndPoint,
            Closed = connection.ConnectionClosed,
        };
        using var counted = metrics.ConnectionOpened(listener);
        var writer = WriteResponsesAsync(connection, pending.Reader);
        // Kafka connections have no graceful close: on shutdown, drop them so clients fail over at once instead of
        // Kestrel waiting out its shutdown timeout for connections that never end by themselves — but only once the
        // broker has handed its leaderships over (BrokerReadiness.Closing), or, before it was ever ready, at once.
        using var closing = readiness.Closing.Register(static c => ((ConnectionContext)c!).Abort(), connection);
        using var stopping = lifetime.ApplicationStopping.Register(static s =>
        {
            var (c, r) = ((ConnectionContext, BrokerReadiness))s!;
            if (!r.Ready.IsCompletedSuccessfully) c.Abort();
        }, (connection, readiness));
        try
        {
            await ReadRequestsAsync(connection, session, pending.Writer);
        }
        catch (ConnectionResetException) { }
        catch (OperationCanceledException) { }
        catch (Exception e)
        {
            logger.LogWarning(e, "Connection {Connection} from {Remote} failed while reading", connection.ConnectionId, connection.RemoteEndPoint);
        }
        finally
        {
            pending.Writer.TryComplete();
        }
        await writer;
    }

    private async Task ReadRequestsAsync(ConnectionContext connection, ConnectionSession session, ChannelWriter<Pending> pending)
    {
        var input = connection.Transport.Input;
        var ct = connection.ConnectionClosed;
        while (true)
        {
            var result = await input.ReadAsync(ct);
            var buffer = result.Buffer;
            try
            {
                while (true)
                {
                    if (buffer.Length < 4) break;
                    var size = ReadSize(buffer);
                    if (size < 0 || size > options.SocketRequestMaxBytes)
                    {
                        logger.LogWarning(
                            "Closing connection {Connection} from {Remote}: request size {Size} is outside 0..{Max} (socket.request.max.bytes)",
                            connection.ConnectionId, connection.RemoteEndPoint, size, options.SocketRequestMaxBytes);
                        connection.Abort();
                        return;
                    }
                    if (buffer.Length < 4 + size) break;
                    var received = Stopwatch.GetTimestamp();
                    var frame = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
                    buffer.Slice(4, size).CopyTo(frame);
                    buffer = buffer.Slice(4 + size);
                    if (!Dispatch(connection, session, frame, size, received, out var item))
                    {
                        ArrayPool<byte>.Shared.Return(frame);
                        connection.Abort();
                        return;
                    }
                    if (!pending.TryWrite(item)) await pending.WriteAsync(item, ct);
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
            if (result.IsCompleted || result.IsCanceled) return;
        }
    }

    private static int ReadSize(ReadOnlySequence<byte> buffer)
    {
        Span<byte> four = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(four);
        return BinaryPrimitives.ReadInt32BigEndian(four);
    }

    /// <summary>Parses one frame and starts its handler. False means the connection must be closed (Kafka's behaviour for unparsable requests).</summary>
    private bool Dispatch(ConnectionContext connection, ConnectionSession session, byte[] frame, int size, long received, out Pending item)
    {
        item = default;
        var memory = frame.AsMemory(0, size);
        var reader = new ProtocolReader(memory);
        RequestHeader header;
        try
        {
            header = RequestHeader.ReadPrefix(ref reader);
        }
        catch (ProtocolException e)
        {
            logger.LogWarning("Closing connection {Connection} from {Remote}: malformed request header ({Reason})", connection.ConnectionId, connection.RemoteEndPoint, e.Message);
            return false;
        }

        var handler = registry.Find((short)header.ApiKey, session.Scope);
        if (handler is null)
        {
            logger.LogWarning("Closing connection {Connection} from {Remote}: unknown API key {Key} (correlation id {Correlation})",
                connection.ConnectionId, connection.RemoteEndPoint, (short)header.ApiKey, header.CorrelationId);
            return false;
        }

        var version = header.ApiVersion;
        if (version < handler.MinVersion || version > handler.MaxVersion)
        {
            if (header.ApiKey == ApiKey.ApiVersions)
            {
                // KIP-511: answer an unknown ApiVersions version with a v0 body carrying UNSUPPORTED_VERSION and our ranges,
                // so the client can retry with a version we know.
                var fallback = ((Handlers.ApiVersionsHandler)handler).Build(ErrorCode.UnsupportedVersion, session.Scope);
                item = new Pending(header.CorrelationId, 0, 0, ValueTask.FromResult<IMessage?>(fallback), frame, header.ApiKey, null, null);
                return true;
            }
            logger.LogWarning("Closing connection {Connection} from {Remote}: {Api} version {Version} is not supported (supported {Min}-{Max})",
                connection.ConnectionId, connection.RemoteEndPoint, header.ApiKey, version, handler.MinVersion, handler.MaxVersion);
            return false;
        }

        IRequestMessage request;
        try
        {
            header.ReadRest(ref reader, handler.Api.RequestHeaderVersion(version));
            reader.Flexible = handler.Api.IsFlexible(version);
            request = handler.Parse(ref reader, version);
        }
        catch (ProtocolException e)
        {
            logger.LogWarning("Closing connection {Connection} from {Remote}: malformed {Api} v{Version} request (correlation id {Correlation}): {Reason}",
                connection.ConnectionId, connection.RemoteEndPoint, header.ApiKey, version, header.CorrelationId, e.Message);
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning("Closing connection {Connection} from {Remote}: malformed {Api} v{Version} request: {Reason}",
                connection.ConnectionId, connection.RemoteEndPoint, header.ApiKey, version, e.Message);
            return false;
        }

        var context = new RequestContext { Header = header, Session = session };
        ValueTask<IMessage?> response;
        var started = Stopwatch.GetTimestamp();
        if (gate.Check(context, handler) is { } refused)
        {
            logger.LogInformation("Refused {Api} v{Version} from {Principal} on connection {Connection}: {Error}",
                header.ApiKey, version, session.Principal, connection.ConnectionId, refused);
            response = ValueTask.FromException<IMessage?>(new KafkaException(refused, $"{header.ApiKey} was refused: {refused}"));
        }
        else
        {
            try
            {
                response = handler.HandleAsync(context, request);
            }
            catch (Exception e)
            {
                response = ValueTask.FromException<IMessage?>(e);
            }
        }
        item = new Pending(header.CorrelationId, handler.Api.ResponseHeaderVersion(version), version, response, frame, header.ApiKey, handler, request,
            received, started, Stopwatch.GetTimestamp());
        return true;
    }

    private async Task WriteResponsesAsync(ConnectionContext connection, ChannelReader<Pending> pending)
    {
        var output = connection.Transport.Output;
        using var buffer = new PooledBufferWriter(64 * 1024);
        var broken = false;
        var unflushed = false;
        await foreach (var item in pending.ReadAllAsync())
        {
            try
            {
                if (broken) continue;
                IMessage? response;
                try
                {
                    response = await item.Response;
                    ResponseErrors.Count(metrics.Requests, item.Key, response);
                }
                catch (Exception e)
                {
                    response = ErrorResponseFor(item, e, connection);
                    if (response is null)
                    {
                        broken = true;
                        connection.Abort();
                        continue;
                    }
                }
                var completed = Stopwatch.GetTimestamp();
                if (response is not null)
                {
                    buffer.Reset();
                    buffer.GetSpan(4);
                    buffer.Advance(4);
                    var w = new ProtocolWriter(buffer);
                    ResponseHeader.Write(w, item.CorrelationId, item.HeaderVersion);
                    w.Flexible = FlexibleFor(item);
                    response.Write(w, item.Version);
                    BinaryPrimitives.WriteInt32BigEndian(buffer.WrittenSpanMutable, buffer.WrittenCount - 4);
                    output.Write(buffer.WrittenSpan);
                    unflushed = true;
                }
                // Flush only when nothing else is ready, so pipelined responses leave in one write.
                if (unflushed && !pending.TryPeek(out _))
                {
                    unflushed = false;
                    await output.FlushAsync();
                }
                if (item.Received != 0)
                    metrics.Requests.Record(item.Key, item.Version, item.Received, item.Started, item.Returned, completed, Stopwatch.GetTimestamp());
            }
            catch (Exception e) when (e is InvalidOperationException or ConnectionResetException or OperationCanceledException or IOException)
            {
                // The transport broke, or a response could not be serialized (a fetched segment's file was deleted
                // before its records were copied). Nothing more can be answered in order: close the connection, so the
                // client sees it at once and retries, instead of waiting socket.timeout.ms for answers that never come.
                if (!connection.ConnectionClosed.IsCancellationRequested)
                    logger.LogInformation("Closing connection {Connection}: the {Api} v{Version} response could not be written: {Reason}",
                        connection.ConnectionId, item.Key, item.Version, e.Message);
                broken = true;
                connection.Abort();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(item.Frame);
            }
        }
        await output.CompleteAsync();
    }

    /// <summary>
    /// The error response for a request whose handler threw (or that the gate refused): the exception's Kafka error
    /// code when it carries one, UNKNOWN_SERVER_ERROR otherwise (logged with its stack, since it is a bug), counted under
    /// that code in the request metrics. Null when the API has no error response, and the connection is closed.
    /// </summary>
    private IMessage? ErrorResponseFor(Pending item, Exception e, ConnectionContext connection)
    {
        var code = e is KafkaException ke ? ke.Code : ErrorCode.UnknownServerError;
        metrics.Requests.CountError(item.Key, code);
        // A handler cancelled because its peer went away (a killed broker's fetch or vote, a client that hung up) is
        // routine in a cluster, not a server fault: no error line, no stack trace.
        if (code == ErrorCode.UnknownServerError && e is OperationCanceledException && connection.ConnectionClosed.IsCancellationRequested)
            logger.LogDebug("{Api} v{Version} on connection {Connection} was cancelled: the connection closed", item.Key, item.Version, connection.ConnectionId);
        else if (code == ErrorCode.UnknownServerError)
            logger.LogError(e, "{Api} v{Version} handler failed on connection {Connection}", item.Key, item.Version, connection.ConnectionId);
        IMessage? response = null;
        try
        {
            if (item.Handler is { } handler && item.Request is { } request) response = handler.ErrorResponse(request, code);
        }
        catch (Exception inner)
        {
            logger.LogError(inner, "Building the {Api} error response failed", item.Key);
        }
        if (response is null)
            logger.LogWarning("Closing connection {Connection}: {Api} v{Version} failed with {Error} and has no error response",
                connection.ConnectionId, item.Key, item.Version, code);
        return response;
    }

    private bool IsControllerListener(ConnectionContext connection) =>
        connection.Items.TryGetValue(ListenerNameItem, out var name) && name is string s && options.ControllerListenerNames.Contains(s);

    private static bool FlexibleFor(Pending item) => item.Handler is { } h && h.Api.IsFlexible(item.Version);
}
