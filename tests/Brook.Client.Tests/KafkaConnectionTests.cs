using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using Brook.Protocol;
using Brook.Protocol.Messages;
using static Brook.Client.Tests.Requests;

namespace Brook.Client.Tests;

/// <summary>
/// One connection against a scripted peer: pipelining, the in-order match by correlation id, the in-flight bound,
/// timeouts (which close the connection once a request is on the wire), cancellation, acks=0, the response size guard,
/// the local bind address, and what every pending request sees when the connection goes down.
/// </summary>
public sealed class KafkaConnectionTests
{
    [Fact]
    public async Task PipelinedRequestsAreAllWrittenBeforeAnyAnswerAndEachGetsItsOwnResponse()
    {
        const int count = 50;
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint, new KafkaConnectionOptions { MaxInFlight = count });
        using var peer = await server.AcceptAsync();

        var sends = Enumerable.Range(0, count).Select(i => connection.SendMetadataAsync($"t{i}")).ToArray();

        // The peer reads every request before it answers any: a client waiting for each answer would stall here.
        var received = new List<FakeRequest>();
        for (var i = 0; i < count; i++) received.Add(await peer.ReadRequestAsync() ?? throw new InvalidOperationException("closed"));
        Assert.All(sends, s => Assert.False(s.IsCompleted));
        // Ids rise in wire order: the order the reader loop matches responses in.
        Assert.Equal(received.Select(r => r.CorrelationId).Order(), received.Select(r => r.CorrelationId));
        Assert.Equal(count, received.Select(r => r.CorrelationId).Distinct().Count());
        Assert.All(received, r => Assert.Equal("brook", r.ClientId));

        foreach (var request in received)
            await peer.RespondAsync(request, MetadataRequest.Api, FakeKafkaServer.EchoMetadata(request.Decode<MetadataRequest>()));

        var responses = await Task.WhenAll(sends).WaitAsync(Patience);
        // Concurrent callers race for the wire, so request i is not necessarily the i-th written; what matters is that
        // every caller got the answer to its own request.
        for (var i = 0; i < count; i++) Assert.Equal($"t{i}", Assert.Single(responses[i].Topics).Name);
        Assert.True(connection.IsConnected);
    }

    /// <summary>
    /// Leased responses decode from pooled receive buffers: a large one (a rented buffer longer than the frame) and a
    /// small one alternate, and each decodes exactly its own bytes, before and after earlier leases went back to the pool.
    /// </summary>
    [Fact]
    public async Task LeasedResponsesOfEverySizeDecodeTheirOwnFrameAndReturnTheBuffer()
    {
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);
        using var peer = await server.AcceptAsync();

        foreach (var length in new[] { 100_000, 10, 70_000, 300_000, 5 })
        {
            var clusterId = new string((char)('a' + length % 26), length);
            var send = connection.SendLeasedAsync<MetadataRequest, MetadataResponse>(Metadata($"t{length}"), MetadataVersion, Patience);
            var request = (await peer.ReadRequestAsync())!;
            var response = FakeKafkaServer.EchoMetadata(request.Decode<MetadataRequest>());
            response.ClusterId = clusterId;
            await peer.RespondAsync(request, MetadataRequest.Api, response);
            using var lease = await send.WaitAsync(Patience);
            Assert.Equal($"t{length}", Assert.Single(lease.Response.Topics).Name);
            Assert.Equal(clusterId, lease.Response.ClusterId);
        }
        // The connection keeps serving after the leases went back.
        var after = connection.SendMetadataAsync("after");
        var last = (await peer.ReadRequestAsync())!;
        await peer.RespondAsync(last, MetadataRequest.Api, FakeKafkaServer.EchoMetadata(last.Decode<MetadataRequest>()));
        Assert.Equal("after", Assert.Single((await after.WaitAsync(Patience)).Topics).Name);
    }

    [Fact]
    public async Task AtMostMaxInFlightRequestsAreOnTheWire()
    {
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint, new KafkaConnectionOptions { MaxInFlight = 4 });
        using var peer = await server.AcceptAsync();

        var sends = Enumerable.Range(0, 10).Select(i => connection.SendMetadataAsync($"t{i}")).ToArray();
        var received = new List<FakeRequest>();
        for (var i = 0; i < 4; i++) received.Add((await peer.ReadRequestAsync())!);
        Assert.Null(await peer.TryReadRequestAsync(TimeSpan.FromMilliseconds(300)));

        // Each answer frees one slot, and one more request comes.
        for (var answered = 0; answered < 10; answered++)
        {
            var next = received[answered];
            await peer.RespondAsync(next, MetadataRequest.Api, FakeKafkaServer.EchoMetadata(next.Decode<MetadataRequest>()));
            if (received.Count < 10) received.Add((await peer.ReadRequestAsync())!);
        }
        await Task.WhenAll(sends).WaitAsync(Patience);
        Assert.Equal(10, received.Select(TopicOf).Distinct().Count());
    }

    [Fact]
    public async Task AnUnexpectedCorrelationIdClosesTheConnectionAndFailsEveryPendingRequest()
    {
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);
        using var peer = await server.AcceptAsync();

        var first = connection.SendMetadataAsync("a");
        var second = connection.SendMetadataAsync("b");
        var request = (await peer.ReadRequestAsync())!;
        await peer.ReadRequestAsync();
        await peer.RespondAsync(request, MetadataRequest.Api, FakeKafkaServer.EchoMetadata(request.Decode<MetadataRequest>()),
            correlationId: request.CorrelationId + 1000);

        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => first.WaitAsync(Patience));
        Assert.Contains("correlation id", error.Message);
        await Assert.ThrowsAsync<KafkaConnectionException>(() => second.WaitAsync(Patience));
        Assert.False(connection.IsConnected);
        Assert.True(await peer.WaitForClientCloseAsync(Patience));
        await Assert.ThrowsAsync<KafkaConnectionException>(() => connection.SendMetadataAsync("c"));
    }

    [Fact]
    public async Task AResponseToNoRequestClosesTheConnection()
    {
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);
        using var peer = await server.AcceptAsync();

        await peer.SendRawAsync(FakePeer.EncodeResponse(MetadataRequest.Api, MetadataVersion, 7, new MetadataResponse()));

        await connection.Closed.WaitAsync(Patience);
        Assert.Contains("no request", connection.CloseReason!.Message);
    }

    [Fact]
    public async Task ATimeoutAfterTheRequestWasSentClosesTheConnection()
    {
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);
        using var peer = await server.AcceptAsync();

        var patient = connection.SendMetadataAsync("patient", timeout: TimeSpan.FromSeconds(30));
        var hasty = connection.SendMetadataAsync("hasty", timeout: TimeSpan.FromMilliseconds(200));
        await peer.ReadRequestAsync();
        await peer.ReadRequestAsync();

        var timeout = await Assert.ThrowsAsync<RequestTimeoutException>(() => hasty.WaitAsync(Patience));
        Assert.True(timeout.WasSent);
        Assert.Equal(ApiKey.Metadata, timeout.ApiKey);
        // The other request in flight fails with the timeout as the cause, and the peer sees the connection close.
        var closed = await Assert.ThrowsAsync<KafkaConnectionException>(() => patient.WaitAsync(Patience));
        Assert.IsType<RequestTimeoutException>(closed.InnerException);
        Assert.False(connection.IsConnected);
        Assert.True(await peer.WaitForClientCloseAsync(Patience));
    }

    [Fact]
    public async Task ATimeoutBeforeTheRequestWasSentLeavesTheConnectionOpen()
    {
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint, new KafkaConnectionOptions { MaxInFlight = 1 });
        using var peer = await server.AcceptAsync();

        var first = connection.SendMetadataAsync("first");
        var request = (await peer.ReadRequestAsync())!;
        var queued = connection.SendMetadataAsync("queued", timeout: TimeSpan.FromMilliseconds(200));

        var timeout = await Assert.ThrowsAsync<RequestTimeoutException>(() => queued.WaitAsync(Patience));
        Assert.False(timeout.WasSent);
        Assert.True(connection.IsConnected);

        await peer.RespondAsync(request, MetadataRequest.Api, FakeKafkaServer.EchoMetadata(request.Decode<MetadataRequest>()));
        Assert.Equal("first", (await first.WaitAsync(Patience)).Topics[0].Name);
        // The timed-out request never reached the wire: the next one the peer reads is the one sent after it.
        var third = connection.SendMetadataAsync("third");
        var next = (await peer.ReadRequestAsync())!;
        Assert.Equal("third", TopicOf(next));
        await peer.RespondAsync(next, MetadataRequest.Api, FakeKafkaServer.EchoMetadata(next.Decode<MetadataRequest>()));
        Assert.Equal("third", (await third.WaitAsync(Patience)).Topics[0].Name);
    }

    [Fact]
    public async Task APeerCloseFailsEveryPendingRequestAndEveryLaterSend()
    {
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);
        var peer = await server.AcceptAsync();

        var pending = Enumerable.Range(0, 3).Select(i => connection.SendMetadataAsync($"t{i}")).ToArray();
        for (var i = 0; i < 3; i++) await peer.ReadRequestAsync();
        peer.Dispose();

        foreach (var send in pending)
        {
            var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => send.WaitAsync(Patience));
            Assert.Contains("closed the connection", error.InnerException!.Message);
        }
        await connection.Closed.WaitAsync(Patience);
        Assert.False(connection.IsConnected);
        await Assert.ThrowsAsync<KafkaConnectionException>(() => connection.SendMetadataAsync("late"));
    }

    [Fact]
    public async Task AResponseLargerThanTheLimitClosesTheConnectionBeforeItIsBuffered()
    {
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint, new KafkaConnectionOptions { MaxResponseBytes = 1024 });
        using var peer = await server.AcceptAsync();

        var send = connection.SendMetadataAsync("big");
        var request = (await peer.ReadRequestAsync())!;
        // Only the size prefix and the correlation id are sent: the client must not wait for the 1 MB it announces.
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, 1024 * 1024);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), request.CorrelationId);
        await peer.SendRawAsync(header);

        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => send.WaitAsync(Patience));
        Assert.Contains("1048576", error.Message);
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public async Task AResponseAtTheLimitIsAccepted()
    {
        await using var server = new FakeKafkaServer();
        var response = new MetadataResponse { ClusterId = new string('x', 900) };
        var size = FakePeer.EncodeResponse(MetadataRequest.Api, MetadataVersion, 0, response).Length - 4;
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint, new KafkaConnectionOptions { MaxResponseBytes = size });
        using var peer = await server.AcceptAsync();

        var send = connection.SendMetadataAsync("exact");
        await peer.RespondAsync((await peer.ReadRequestAsync())!, MetadataRequest.Api, response);

        Assert.Equal(900, (await send.WaitAsync(Patience)).ClusterId!.Length);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    public async Task TheSocketLeavesFromTheConfiguredLocalAddress(string local)
    {
        // Linux routes all of 127.0.0.0/8 to the loopback interface; other systems only have 127.0.0.1 by default.
        if (local != "127.0.0.1" && !OperatingSystem.IsLinux()) return;
        var address = IPAddress.Parse(local);
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint, new KafkaConnectionOptions { LocalAddress = address });
        using var peer = await server.AcceptAsync();

        Assert.Equal(address, connection.LocalEndPoint.Address);
        Assert.Equal(address, peer.RemoteEndPoint.Address);
        Assert.Equal(connection.LocalEndPoint, peer.RemoteEndPoint);
    }

    [Fact]
    public async Task CancellingASentRequestKeepsTheConnectionAndDropsItsLateResponse()
    {
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);
        using var peer = await server.AcceptAsync();

        using var cts = new CancellationTokenSource();
        var cancelled = connection.SendMetadataAsync("cancelled", ct: cts.Token);
        var first = (await peer.ReadRequestAsync())!;
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Patience));

        var next = connection.SendMetadataAsync("next");
        var second = (await peer.ReadRequestAsync())!;
        await peer.RespondAsync(first, MetadataRequest.Api, FakeKafkaServer.EchoMetadata(first.Decode<MetadataRequest>()));
        await peer.RespondAsync(second, MetadataRequest.Api, FakeKafkaServer.EchoMetadata(second.Decode<MetadataRequest>()));

        Assert.Equal("next", (await next.WaitAsync(Patience)).Topics[0].Name);
        Assert.True(connection.IsConnected);
    }

    [Fact]
    public async Task CancellingAQueuedRequestMeansItIsNeverSent()
    {
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint, new KafkaConnectionOptions { MaxInFlight = 1 });
        using var peer = await server.AcceptAsync();

        var first = connection.SendMetadataAsync("first");
        var request = (await peer.ReadRequestAsync())!;
        using var cts = new CancellationTokenSource();
        var queued = connection.SendMetadataAsync("queued", ct: cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Patience));

        await peer.RespondAsync(request, MetadataRequest.Api, FakeKafkaServer.EchoMetadata(request.Decode<MetadataRequest>()));
        await first.WaitAsync(Patience);
        var last = connection.SendMetadataAsync("last");
        var next = (await peer.ReadRequestAsync())!;
        Assert.Equal("last", TopicOf(next));
        await peer.RespondAsync(next, MetadataRequest.Api, FakeKafkaServer.EchoMetadata(next.Decode<MetadataRequest>()));
        await last.WaitAsync(Patience);
    }

    [Fact]
    public async Task ProduceWithAcksZeroExpectsNoResponse()
    {
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);
        using var peer = await server.AcceptAsync();
        var produce = new ProduceRequest { Acks = 0, TimeoutMs = 1000, TopicData = [] };

        await Assert.ThrowsAsync<ArgumentException>(() => connection.SendAsync<ProduceRequest, ProduceResponse>(produce, 9));
        await connection.SendWithoutResponseAsync(produce, 9).WaitAsync(Patience);
        var metadata = connection.SendMetadataAsync("after");

        var received = (await peer.ReadRequestAsync())!;
        Assert.Equal(ApiKey.Produce, received.ApiKey);
        Assert.Equal(0, received.Decode<ProduceRequest>().Acks);
        var request = (await peer.ReadRequestAsync())!;
        await peer.RespondAsync(request, MetadataRequest.Api, FakeKafkaServer.EchoMetadata(request.Decode<MetadataRequest>()));
        // Had the produce been waiting for an answer, this response would have been matched to it.
        Assert.Equal("after", (await metadata.WaitAsync(Patience)).Topics[0].Name);
    }

    [Fact]
    public async Task AResponseThatDoesNotDecodeFailsOnlyItsRequest()
    {
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);
        using var peer = await server.AcceptAsync();

        var bad = connection.SendMetadataAsync("bad");
        var request = (await peer.ReadRequestAsync())!;
        var frame = FakePeer.EncodeResponse(MetadataRequest.Api, request.Version, request.CorrelationId, new MetadataResponse());
        var padded = new byte[frame.Length + 3];
        frame.CopyTo(padded, 0);
        BinaryPrimitives.WriteInt32BigEndian(padded, padded.Length - 4);
        await peer.SendRawAsync(padded);

        var error = await Assert.ThrowsAsync<ProtocolException>(() => bad.WaitAsync(Patience));
        Assert.Contains("3 bytes left", error.Message);
        var good = connection.SendMetadataAsync("good");
        var next = (await peer.ReadRequestAsync())!;
        await peer.RespondAsync(next, MetadataRequest.Api, FakeKafkaServer.EchoMetadata(next.Decode<MetadataRequest>()));
        Assert.Equal("good", (await good.WaitAsync(Patience)).Topics[0].Name);
    }

    [Fact]
    public async Task DisposingFailsPendingRequests()
    {
        await using var server = new FakeKafkaServer();
        var connection = await KafkaConnection.ConnectAsync(server.EndPoint);
        using var peer = await server.AcceptAsync();
        var pending = connection.SendMetadataAsync("pending");
        await peer.ReadRequestAsync();

        await connection.DisposeAsync();

        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => pending.WaitAsync(Patience));
        Assert.Contains("closed locally", error.Message);
        Assert.True(await peer.WaitForClientCloseAsync(Patience));
    }

    [Fact]
    public async Task ConnectingToAPortNobodyListensOnFails()
    {
        var stopwatch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaConnection.ConnectAsync(DeadEndPoint()));
        Assert.Contains("could not connect", error.Message);
        Assert.True(stopwatch.Elapsed < Patience);
    }

    [Fact]
    public async Task AVersionOutsideOurCodecIsRefusedBeforeSending()
    {
        await using var server = new FakeKafkaServer();
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            connection.SendAsync<MetadataRequest, MetadataResponse>(Metadata("x"), (short)(MetadataRequest.Api.MaxVersion + 1)));
        Assert.True(connection.IsConnected);
    }
}
