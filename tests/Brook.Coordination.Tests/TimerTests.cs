using Brook.Common;

namespace Brook.Coordination.Tests;

public class TimerTests
{
    [Fact]
    public async Task A_zero_initial_delay_completes_the_first_join_at_once_under_fake_time()
    {
        using var h = new CoordinatorHarness(CoordinatorHarness.DefaultOptions with { InitialRebalanceDelayMs = 0 });
        var join = h.Join("g");
        // A due-now timer may fire inside the call or on the next tick of fake time; either way nothing else is needed.
        if (!join.IsCompleted) h.Advance(0);
        var result = await join;
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal(1, result.GenerationId);
    }

    [Fact]
    public async Task Deadlines_fire_on_the_real_clock()
    {
        var options = CoordinatorHarness.DefaultOptions with { InitialRebalanceDelayMs = 0, MinSessionTimeoutMs = 10 };
        var log = new MemoryGroupLog();
        using var coordinator = new GroupCoordinator(options, log, TimeProvider.System);
        for (var p = 0; p < CoordinatorHarness.Partitions; p++)
        {
            coordinator.BeginLoading(p);
            coordinator.CompleteLoading(p);
        }
        var join = await coordinator.JoinGroupAsync(CoordinatorHarness.JoinArgs("g", sessionTimeoutMs: 100, rebalanceTimeoutMs: 100))
            .WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ErrorCode.None, join.Error);
        var sync = await coordinator.SyncGroupAsync(new SyncGroupArgs { GroupId = "g", GenerationId = 1, MemberId = join.MemberId })
            .WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ErrorCode.None, sync.Error);

        // Without heartbeats the member's 100 ms session runs out and the group empties.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (coordinator.DescribeGroups(["g"])[0].State != GroupState.Empty && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(GroupState.Empty, coordinator.DescribeGroups(["g"])[0].State);
    }
}
