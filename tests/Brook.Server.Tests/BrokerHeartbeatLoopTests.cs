using System.Collections.Concurrent;
using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Metadata.Records;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Server.Tests;

/// <summary>The broker's side of KIP-631 against a scripted controller: what it sends, and how it reacts to the answers.</summary>
public sealed class BrokerHeartbeatLoopTests
{
    private static readonly BrokerEndpoint Plain = new("PLAINTEXT", "b1", 9092, SecurityProtocol.Plaintext);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>A controller that answers heartbeats with <see cref="Answer"/> and records what it was sent.</summary>
    private sealed class ScriptedController : IControllerChannel
    {
        private long _nextEpoch = 10;

        public ConcurrentQueue<BrokerHeartbeatSpec> Heartbeats { get; } = new();
        public ConcurrentQueue<(long Epoch, long PreviousEpoch)> Registrations { get; } = new();
        public Func<BrokerHeartbeatSpec, BrokerHeartbeatResult> Answer { get; set; } = _ => new(ErrorCode.None, true, false, false);
        public Func<Exception?> RegistrationFailure { get; set; } = () => null;

        public Task<long> RegisterBrokerAsync(int brokerId, IReadOnlyList<BrokerEndpoint> endpoints, string? rack, long previousBrokerEpoch, CancellationToken ct)
        {
            if (RegistrationFailure() is { } failure) return Task.FromException<long>(failure);
            var epoch = Interlocked.Increment(ref _nextEpoch);
            Registrations.Enqueue((epoch, previousBrokerEpoch));
            return Task.FromResult(epoch);
        }

        public Task<BrokerHeartbeatResult> BrokerHeartbeatAsync(BrokerHeartbeatSpec heartbeat, CancellationToken ct)
        {
            Heartbeats.Enqueue(heartbeat);
            try
            {
                return Task.FromResult(Answer(heartbeat));
            }
            catch (Exception e)
            {
                return Task.FromException<BrokerHeartbeatResult>(e);
            }
        }

        public Task<long> RegisterBrokerAsync(int brokerId, IReadOnlyList<BrokerEndpoint> endpoints, string? rack, CancellationToken ct) =>
            RegisterBrokerAsync(brokerId, endpoints, rack, -1, ct);

        public Task<IReadOnlyList<CreateTopicResult>> CreateTopicsAsync(IReadOnlyList<CreateTopicSpec> specs, bool validateOnly, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<DeleteTopicResult>> DeleteTopicsAsync(IReadOnlyList<(string? Name, Uuid? Id)> topics, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<PartitionAdditionResult>> CreatePartitionsAsync(IReadOnlyList<PartitionAdditionSpec> specs, bool validateOnly, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<TopicConfigChangeResult>> AlterTopicConfigsAsync(IReadOnlyList<TopicConfigChange> changes, bool validateOnly, CancellationToken ct) => throw new NotSupportedException();
        public Task<(ErrorCode Error, string? Message)> AlterBrokerConfigsAsync(string resourceName, IReadOnlyDictionary<string, string> newOverrides,
            Func<string, string?, string?> validate, bool validateOnly, CancellationToken ct) => throw new NotSupportedException();
        public Task<long> AllocateProducerIdBlockAsync(int blockSize, CancellationToken ct) => throw new NotSupportedException();
        public Task<AlterPartitionResult> AlterPartitionAsync(AlterPartitionSpec change, CancellationToken ct) => throw new NotSupportedException();
    }

    private static BrokerHeartbeatLoop Loop(ScriptedController controller, MetadataView? view = null, int registrationTimeoutMs = 300) =>
        new(BrokerConfig.FromProperties(new Dictionary<string, string>
            {
                ["node.id"] = "1",
                ["broker.heartbeat.interval.ms"] = "20",
                ["broker.session.timeout.ms"] = "400",
                ["initial.broker.registration.timeout.ms"] = $"{registrationTimeoutMs}",
            }),
            controller, view ?? new MetadataView(), TimeProvider.System, NullLogger<BrokerHeartbeatLoop>.Instance);

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Registers_then_heartbeats_with_its_epoch_and_metadata_offset_until_unfenced()
    {
        var controller = new ScriptedController();
        var fencedAnswers = 3;
        controller.Answer = _ => new(ErrorCode.None, true, IsFenced: Interlocked.Decrement(ref fencedAnswers) >= 0, false);
        var view = new MetadataView();
        view.Publish(MetadataImage.Empty.Apply(new ClusterIdRecord("c"), 0).Apply(new ProducerIdsRecord(1, 5), 41));
        await using var loop = Loop(controller, view);

        var epoch = await loop.RegisterAsync([Plain], previousBrokerEpoch: 7, default);

        Assert.Equal((epoch, 7L), Assert.Single(controller.Registrations));
        Assert.True(await loop.WaitUntilUnfencedAsync(Patience, default));
        Assert.False(loop.IsFenced);
        Assert.All(controller.Heartbeats, h => Assert.Equal((1, epoch, 41L, false, false), (h.BrokerId, h.BrokerEpoch, h.CurrentMetadataOffset, h.WantFence, h.WantShutDown)));
        Assert.True(controller.Heartbeats.Count >= 4);
    }

    [Fact]
    public async Task A_stale_epoch_makes_it_register_again_as_a_clean_restart_of_its_own_epoch()
    {
        var controller = new ScriptedController();
        long? stale = null;
        controller.Answer = h => h.BrokerEpoch == stale ? new(ErrorCode.StaleBrokerEpoch, false, true, false) : new(ErrorCode.None, true, false, false);
        await using var loop = Loop(controller);
        var first = await loop.RegisterAsync([Plain], -1, default);
        Assert.True(await loop.WaitUntilUnfencedAsync(Patience, default));

        stale = first;
        await EventuallyAsync(() => loop.BrokerEpoch != first, "a new registration");

        Assert.Equal([(first, -1L), (loop.BrokerEpoch, first)], controller.Registrations);
        await EventuallyAsync(() => controller.Heartbeats.Any(h => h.BrokerEpoch == loop.BrokerEpoch), "heartbeats in the new epoch");
    }

    [Fact]
    public async Task Controlled_shutdown_asks_until_the_controller_lets_it_go_then_stops_heartbeating()
    {
        var controller = new ScriptedController();
        var asked = 0;
        controller.Answer = h => h.WantShutDown && Interlocked.Increment(ref asked) >= 3
            ? new(ErrorCode.None, true, true, ShouldShutDown: true)
            : new(ErrorCode.None, true, false, false);
        await using var loop = Loop(controller);
        await loop.RegisterAsync([Plain], -1, default);
        Assert.True(await loop.WaitUntilUnfencedAsync(Patience, default));

        Assert.True(await loop.ControlledShutdownAsync(TimeSpan.FromSeconds(30), default));

        Assert.Equal(3, controller.Heartbeats.Count(h => h.WantShutDown));
        var sent = controller.Heartbeats.Count;
        await Task.Delay(200);
        Assert.Equal(sent, controller.Heartbeats.Count);
    }

    [Fact]
    public async Task Controlled_shutdown_gives_up_once_no_controller_answered_for_a_session()
    {
        var controller = new ScriptedController();
        await using var loop = Loop(controller);
        await loop.RegisterAsync([Plain], -1, default);
        Assert.True(await loop.WaitUntilUnfencedAsync(Patience, default));
        controller.Answer = _ => throw new KafkaException(ErrorCode.RequestTimedOut, "no active controller");

        var started = DateTime.UtcNow;
        Assert.False(await loop.ControlledShutdownAsync(TimeSpan.FromSeconds(30), default));

        var took = DateTime.UtcNow - started;
        Assert.InRange(took, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Controlled_shutdown_is_bounded_in_time()
    {
        var controller = new ScriptedController();
        await using var loop = Loop(controller);
        await loop.RegisterAsync([Plain], -1, default);

        Assert.False(await loop.ControlledShutdownAsync(TimeSpan.FromMilliseconds(200), default));
        Assert.Contains(controller.Heartbeats, h => h.WantShutDown);
    }

    [Fact]
    public async Task Registration_is_retried_until_initial_broker_registration_timeout_ms()
    {
        var controller = new ScriptedController();
        var failures = 2;
        controller.RegistrationFailure = () => Interlocked.Decrement(ref failures) >= 0 ? new KafkaException(ErrorCode.NotController, "moving") : null;
        await using (var loop = Loop(controller, registrationTimeoutMs: 5000))
            Assert.True(await loop.RegisterAsync([Plain], -1, default) > 0);
        Assert.Equal(-1, failures);

        controller.RegistrationFailure = () => new KafkaException(ErrorCode.RequestTimedOut, "no controller");
        await using var never = Loop(controller);
        var failed = await Assert.ThrowsAsync<KafkaException>(() => never.RegisterAsync([Plain], -1, default));
        Assert.Equal(ErrorCode.RequestTimedOut, failed.Code);
        Assert.Contains("initial.broker.registration.timeout.ms", failed.Message);
    }
}
