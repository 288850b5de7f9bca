namespace Brook.Raft.Tests.Simulation;

/// <summary>The simulation's virtual clock: time moves only when the event loop says so.</summary>
public sealed class SimClock : TimeProvider
{
    public long NowMs { get; set; } = 1_000_000;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
}
