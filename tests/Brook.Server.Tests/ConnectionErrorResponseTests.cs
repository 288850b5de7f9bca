using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Hosting;
using Brook.Server.Network;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Server.Tests;

/// <summary>
/// The request pipeline: a handler that throws, or a request the gate refuses, gets the API's error response (the
/// exception's Kafka code, else UNKNOWN_SERVER_ERROR) and the connection keeps serving, as Kafka's KafkaApis does.
/// </summary>
public sealed class ConnectionErrorResponseTests
{
    /// <summary>Heartbeat handler whose behaviour the test picks per member id.</summary>
    private sealed class ScriptedHeartbeat : ApiHandler<HeartbeatRequest>
    {
        protected override IMessage? ErrorResponse(HeartbeatRequest request, ErrorCode error) => new HeartbeatResponse { ErrorCode = (short)error };

        protected override ValueTask<IMessage?> HandleAsync(RequestContext context, HeartbeatRequest request) => request.MemberId switch
        {
            "kafka-error" => throw new KafkaException(ErrorCode.NotCoordinator, "moved"),
            "bug" => ValueTask.FromException<IMessage?>(new InvalidOperationException("a bug")),
            "unwritable" => Done(new UnwritableResponse()),
            _ => Done(new HeartbeatResponse()),
        };
    }

    /// <summary>A response whose serialization fails as a fetch's does when its segment file was deleted before the copy.</summary>
    private sealed class UnwritableResponse : IMessage
    {
        public void Read(ref ProtocolReader reader, short version) => throw new NotSupportedException();
        public void Write(ProtocolWriter writer, short version) => throw new IOException("the segment file was deleted");
    }

    private sealed class RefuseAll : IRequestGate
    {
        public ErrorCode? Check(RequestContext context, IApiHandler handler) => ErrorCode.ClusterAuthorizationFailed;
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() { }
    }

    private sealed class TestConnection : ConnectionContext
    {
        public override string ConnectionId { get; set; } = "test";
        public override IFeatureCollection Features { get; } = new FeatureCollection();
        public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
        public override IDuplexPipe Transport { get; set; } = null!;
        public override void Abort(ConnectionAbortedException abortReason) => Aborted = true;
        public bool Aborted { get; private set; }
    }

    private static async Task<(short Error, int Correlation)[]> RunAsync(IRequestGate gate, params string[] memberIds)
    {
        var (results, aborted) = await RunConnectionAsync(gate, memberIds);
        Assert.False(aborted);
        return results;
    }

    private static async Task<((short Error, int Correlation)[] Results, bool Aborted)> RunConnectionAsync(IRequestGate gate, params string[] memberIds)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var connection = new TestConnection { Transport = new DuplexPipe(toServer.Reader, toClient.Writer) };
        using var metrics = new Brook.Server.Metrics.BrokerMetrics();
        var handler = new KafkaConnectionHandler(new ApiRegistry([new ScriptedHeartbeat()]), gate, Ready(), new ServerOptions(), metrics,
            new Lifetime(), NullLogger<KafkaConnectionHandler>.Instance);
        var run = handler.OnConnectedAsync(connection);

        for (var i = 0; i < memberIds.Length; i++)
        {
            using var body = new PooledBufferWriter(256);
            var w = new ProtocolWriter(body);
            w.WriteInt16((short)ApiKey.Heartbeat);
            w.WriteInt16(4);
            w.WriteInt32(100 + i);
            w.WriteNullableString("test");
            w.Flexible = true;
            w.WriteEmptyTaggedFields();
            new HeartbeatRequest { GroupId = "g", GenerationId = 1, MemberId = memberIds[i] }.Write(w, 4);
            var size = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(size, body.WrittenCount);
            await toServer.Writer.WriteAsync(size);
            await toServer.Writer.WriteAsync(body.WrittenMemory);
        }
        await toServer.Writer.CompleteAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        var results = new List<(short, int)>();
        // The handler completes its output when the connection ends: read everything up to that point.
        ReadResult read;
        while (true)
        {
            read = await toClient.Reader.ReadAsync();
            if (read.IsCompleted) break;
            toClient.Reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
        var bytes = read.Buffer.ToArray();
        var position = 0;
        while (position < bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(position));
            var r = new ProtocolReader(bytes.AsMemory(position + 4, length));
            var correlation = r.ReadInt32();
            r.Flexible = true;
            r.SkipTaggedFields();
            var response = new HeartbeatResponse();
            response.Read(ref r, 4);
            results.Add((response.ErrorCode, correlation));
            position += 4 + length;
        }
        return ([.. results], connection.Aborted);
    }

    private static BrokerReadiness Ready()
    {
        var readiness = new BrokerReadiness();
        readiness.SetReady();
        return readiness;
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    [Fact]
    public async Task A_thrown_kafka_error_becomes_the_error_response_and_the_connection_goes_on()
    {
        var results = await RunAsync(new OpenRequestGate(), "kafka-error", "fine", "bug", "fine");
        Assert.Equal(
            [((short)ErrorCode.NotCoordinator, 100), ((short)ErrorCode.None, 101), ((short)ErrorCode.UnknownServerError, 102), ((short)ErrorCode.None, 103)],
            results);
    }

    [Fact]
    public async Task A_request_the_gate_refuses_gets_the_gate_error()
    {
        var results = await RunAsync(new RefuseAll(), "fine");
        Assert.Equal([((short)ErrorCode.ClusterAuthorizationFailed, 100)], results);
    }

    [Fact]
    public async Task A_response_that_cannot_be_written_closes_the_connection_instead_of_leaving_the_client_waiting()
    {
        var (results, aborted) = await RunConnectionAsync(new OpenRequestGate(), "fine", "unwritable", "fine");
        // The answer before it went out; nothing after it can keep the order, so the connection is closed at once.
        Assert.Equal([((short)ErrorCode.None, 100)], results);
        Assert.True(aborted);
    }
}
