using System.Reflection;
using Brook.Common;
using Brook.Metadata;
using Brook.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Brook.Replication.Tests;

/// <summary>
/// The leader's ISR counters behind Kafka's IsrShrinksPerSec, IsrExpandsPerSec and FailedIsrUpdatesPerSec: a follower
/// that stops fetching for replica.lag.time.max.ms is a shrink once the controller accepts it, its return an
/// expansion, and a change the controller refuses a failed update.
/// </summary>
public sealed class IsrChangeCountersTests : IDisposable
{
    private const int Local = 1;
    private const long LagTimeMaxMs = 10_000;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "brook-isr-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Shrinks_expansions_and_refused_changes_are_counted()
    {
        var log = PartitionLog.Open(Path.Combine(_dir, "orders-0"), new LogConfig(), NullLogger.Instance, _time);
        using var partition = new Partition(new TopicPartition("orders", 0), new Uuid(1, 1), Local, log,
            new PartitionSettings(new LogConfig(), 1_000_000, LogAppendTime: false), _time);
        partition.ApplyState(new PartitionState(Local, 0, 0, [Local, 2, 3], [Local, 2, 3]));
        var (controller, script) = ScriptedAlterPartition.Create();
        await using var isr = new IsrChangeManager(controller, new BrokerIdentity(Local), () => [partition], LagTimeMaxMs, _time,
            NullLogger<IsrChangeManager>.Instance);
        long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();
        partition.RecordFollowerFetch(2, 0, Now());
        partition.RecordFollowerFetch(3, 0, Now());

        // Follower 3 goes quiet; follower 2 keeps fetching. The shrink timer fires every half lag time.
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(LagTimeMaxMs / 2));
            partition.RecordFollowerFetch(2, 0, Now());
        }
        await WaitFor(() => isr.IsrShrinks == 1);
        Assert.Equal([Local, 2], partition.State.Isr.Order().ToArray());
        Assert.Equal(0, isr.IsrExpands);

        // Follower 3 comes back caught up: the fetch asks for it to rejoin.
        if (partition.RecordFollowerFetch(3, 0, Now())) isr.RequestExpansion(partition, 3);
        await WaitFor(() => isr.IsrExpands == 1);
        Assert.Equal([Local, 2, 3], partition.State.Isr.Order().ToArray());

        // The controller refuses the next change (a stale partition epoch): a failed update, the ISR unchanged.
        script.Refuse = ErrorCode.InvalidUpdateVersion;
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(LagTimeMaxMs / 2));
            partition.RecordFollowerFetch(2, 0, Now());
        }
        await WaitFor(() => isr.FailedIsrUpdates >= 1);
        Assert.Equal(1, isr.IsrShrinks);
        Assert.Equal([Local, 2, 3], partition.State.Isr.Order().ToArray());
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }

    /// <summary>A controller channel that answers AlterPartition only: accepts with the next partition epoch, or refuses.</summary>
    public class ScriptedAlterPartition : DispatchProxy
    {
        public ErrorCode Refuse { get; set; } = ErrorCode.None;

        /// <summary>The proxy, which is both the channel and its script.</summary>
        public static (IControllerChannel Channel, ScriptedAlterPartition Script) Create()
        {
            var channel = DispatchProxy.Create<IControllerChannel, ScriptedAlterPartition>();
            return (channel, (ScriptedAlterPartition)(object)channel);
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name != nameof(IControllerChannel.AlterPartitionAsync)) throw new NotSupportedException(targetMethod?.Name);
            var change = (AlterPartitionSpec)args![0]!;
            return Task.FromResult(Refuse != ErrorCode.None
                ? new AlterPartitionResult(Refuse, -1, -1, -1, [])
                : new AlterPartitionResult(ErrorCode.None, change.BrokerId, change.LeaderEpoch, change.PartitionEpoch + 1, change.NewIsr));
        }
    }
}
