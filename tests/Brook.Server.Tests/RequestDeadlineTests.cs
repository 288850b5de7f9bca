using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Handlers;

namespace Brook.Server.Tests;

/// <summary>
/// Admin requests that wait on the controller honour their own TimeoutMs: past it the answer is REQUEST_TIMED_OUT for
/// every topic (a retriable error the client acts on), not silence until the broker's own request.timeout.ms.
/// </summary>
public sealed class RequestDeadlineTests
{
    /// <summary>A controller no one can reach: every change waits until it is cancelled.</summary>
    private sealed class UnreachableController : IControllerChannel
    {
        public int Cancelled;

        private async Task<T> Hang<T>(CancellationToken ct)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref Cancelled);
                throw;
            }
            throw new InvalidOperationException("unreachable");
        }

        public Task<IReadOnlyList<CreateTopicResult>> CreateTopicsAsync(IReadOnlyList<CreateTopicSpec> specs, bool validateOnly, CancellationToken ct) => Hang<IReadOnlyList<CreateTopicResult>>(ct);
        public Task<IReadOnlyList<DeleteTopicResult>> DeleteTopicsAsync(IReadOnlyList<(string? Name, Uuid? Id)> topics, CancellationToken ct) => Hang<IReadOnlyList<DeleteTopicResult>>(ct);
        public Task<IReadOnlyList<PartitionAdditionResult>> CreatePartitionsAsync(IReadOnlyList<PartitionAdditionSpec> specs, bool validateOnly, CancellationToken ct) => Hang<IReadOnlyList<PartitionAdditionResult>>(ct);
        public Task<IReadOnlyList<TopicConfigChangeResult>> AlterTopicConfigsAsync(IReadOnlyList<TopicConfigChange> changes, bool validateOnly, CancellationToken ct) => throw new NotSupportedException();
        public Task<(ErrorCode Error, string? Message)> AlterBrokerConfigsAsync(string resourceName, IReadOnlyDictionary<string, string> newOverrides,
            Func<string, string?, string?> validate, bool validateOnly, CancellationToken ct) => throw new NotSupportedException();
        public Task<long> AllocateProducerIdBlockAsync(int blockSize, CancellationToken ct) => throw new NotSupportedException();
        public Task<long> RegisterBrokerAsync(int brokerId, IReadOnlyList<BrokerEndpoint> endpoints, string? rack, CancellationToken ct) => throw new NotSupportedException();
        public Task<AlterPartitionResult> AlterPartitionAsync(AlterPartitionSpec change, CancellationToken ct) => throw new NotSupportedException();
        public Task<BrokerHeartbeatResult> BrokerHeartbeatAsync(BrokerHeartbeatSpec heartbeat, CancellationToken ct) => throw new NotSupportedException();
    }

    private static RequestContext Context(ApiKey api, short version, CancellationToken closed = default) => new()
    {
        Header = new RequestHeader { ApiKey = api, ApiVersion = version },
        Session = new ConnectionSession { ConnectionId = "test", ListenerName = "PLAINTEXT", Closed = closed },
    };

    private static BrokerConfig Config() => BrokerConfig.FromProperties(new Dictionary<string, string> { ["node.id"] = "1" });

    [Fact]
    public async Task CreateTopics_answers_request_timed_out_for_every_topic_at_its_own_timeout()
    {
        var controller = new UnreachableController();
        IApiHandler handler = new CreateTopicsHandler(controller, new DynamicBrokerConfig(Config()), TimeProvider.System);
        var request = new CreateTopicsRequest
        {
            TimeoutMs = 300,
            Topics = [new() { Name = "a", NumPartitions = 1, ReplicationFactor = 1 }, new() { Name = "b", NumPartitions = 1, ReplicationFactor = 1 }],
        };
        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<KafkaException>(async () => await handler.HandleAsync(Context(ApiKey.CreateTopics, 7), request).AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(ErrorCode.RequestTimedOut, e.Code);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the handler waited well past the request's 300 ms timeout");
        Assert.Equal(1, controller.Cancelled); // the controller wait itself was stopped, not left running

        var response = Assert.IsType<CreateTopicsResponse>(handler.ErrorResponse(request, e.Code));
        Assert.Equal(["a", "b"], response.Topics.Select(t => t.Name));
        Assert.All(response.Topics, t => Assert.Equal((short)ErrorCode.RequestTimedOut, t.ErrorCode));
    }

    [Fact]
    public async Task DeleteTopics_and_CreatePartitions_honour_their_timeouts_too()
    {
        var controller = new UnreachableController();
        IApiHandler delete = new DeleteTopicsHandler(controller, Config(), TimeProvider.System);
        var deleteRequest = new DeleteTopicsRequest { TimeoutMs = 200, Topics = [new() { Name = "a" }] };
        var e = await Assert.ThrowsAsync<KafkaException>(async () => await delete.HandleAsync(Context(ApiKey.DeleteTopics, 6), deleteRequest).AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(ErrorCode.RequestTimedOut, e.Code);
        var deleted = Assert.IsType<DeleteTopicsResponse>(delete.ErrorResponse(deleteRequest, e.Code));
        Assert.Equal((short)ErrorCode.RequestTimedOut, Assert.Single(deleted.Responses).ErrorCode);

        IApiHandler partitions = new CreatePartitionsHandler(controller, TimeProvider.System);
        var partitionsRequest = new CreatePartitionsRequest { TimeoutMs = 200, Topics = [new() { Name = "a", Count = 3 }] };
        e = await Assert.ThrowsAsync<KafkaException>(async () => await partitions.HandleAsync(Context(ApiKey.CreatePartitions, 3), partitionsRequest).AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(ErrorCode.RequestTimedOut, e.Code);
        var added = Assert.IsType<CreatePartitionsResponse>(partitions.ErrorResponse(partitionsRequest, e.Code));
        Assert.Equal((short)ErrorCode.RequestTimedOut, Assert.Single(added.Results).ErrorCode);
    }

    [Fact]
    public async Task A_closed_connection_cancels_the_wait_without_calling_it_a_timeout()
    {
        var controller = new UnreachableController();
        IApiHandler handler = new CreateTopicsHandler(controller, new DynamicBrokerConfig(Config()), TimeProvider.System);
        using var closed = new CancellationTokenSource();
        var request = new CreateTopicsRequest { TimeoutMs = 60_000, Topics = [new() { Name = "a", NumPartitions = 1, ReplicationFactor = 1 }] };
        var pending = handler.HandleAsync(Context(ApiKey.CreateTopics, 7, closed.Token), request).AsTask();
        closed.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(20)));
    }
}
