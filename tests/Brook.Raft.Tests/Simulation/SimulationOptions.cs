namespace Brook.Raft.Tests.Simulation;

/// <summary>One simulated schedule: the cluster's shape, how long faults run, and how hard they hit.</summary>
public sealed record SimulationOptions
{
    public required int Seed { get; init; }
    public int Voters { get; init; } = 3;
    public int Observers { get; init; }
    /// <summary>Virtual time with faults and client appends, then the network heals and crashed nodes restart.</summary>
    public long FaultPhaseMs { get; init; } = 28_000;
    /// <summary>Virtual time allowed after healing to converge on one leader, one log, and a committed probe append.</summary>
    public long ConvergenceBudgetMs { get; init; } = 30_000;
    public double LossProbability { get; init; } = 0.02;
    public double DuplicationProbability { get; init; } = 0.01;
    /// <summary>Chance that a message takes a long detour (reordering it behind later ones).</summary>
    public double SlowMessageProbability { get; init; } = 0.02;
    public int MaxDelayMs { get; init; } = 15;
    public bool Partitions { get; init; } = true;
    /// <summary>Partitions change every 0.3 s plus up to this long.</summary>
    public int PartitionIntervalMs { get; init; } = 3000;
    /// <summary>A crash every 0.5 s plus up to this long.</summary>
    public int CrashIntervalMs { get; init; } = 4000;
    /// <summary>How late a poll the node asked for "now" may run (a busy loop or slow disk: the window between append and flush).</summary>
    public int MaxPollDelayMs { get; init; } = 3;
    public bool Crashes { get; init; } = true;
    /// <summary>Leaders are asked now and then to resign gracefully (EndQuorumEpoch).</summary>
    public bool Resignations { get; init; } = true;
    /// <summary>Leaders are asked now and then to add an observer to the voter set or remove a voter (KIP-853).</summary>
    public bool VoterChanges { get; init; }
    /// <summary>Average virtual time between client appends.</summary>
    public int AppendIntervalMs { get; init; } = 40;
    /// <summary>Largest fetch response; 1 makes every response carry exactly one batch.</summary>
    public int FetchMaxBytes { get; init; } = 16 * 1024;
    /// <summary>Breaks the durability rule on purpose (see <see cref="UnflushedAcknowledgingLog"/>), to show the checks catch it.</summary>
    public bool AcknowledgeUnflushed { get; init; }
    /// <summary>State machines snapshot after this many committed batches (0: never).</summary>
    public int SnapshotEveryBatches { get; init; } = 25;

    /// <summary>The configuration the long test cycles through for a seed.</summary>
    public static SimulationOptions ForSeed(int seed)
    {
        var shapes = new (int Voters, int Observers)[] { (3, 0), (3, 1), (5, 0), (5, 2), (3, 2), (5, 1) };
        var (voters, observers) = shapes[seed % shapes.Length];
        var r = new Random(seed * 7919 + 1);
        // Every fifth seed is harsh: heavy loss, network delays near the election timeout, frequent crashes and
        // partitions, slow flushes.
        var harsh = seed % 5 == 4;
        return new SimulationOptions
        {
            PartitionIntervalMs = harsh ? 1000 : 3000,
            CrashIntervalMs = harsh ? 1500 : 4000,
            MaxPollDelayMs = harsh ? 20 : 3,
            // Every third seed answers each fetch with one batch: followers then acknowledge old-epoch entries apart
            // from the new leader's LeaderChange, which is where the current-epoch commit rule matters.
            FetchMaxBytes = seed % 3 == 1 ? 1 : 16 * 1024,
            Seed = seed,
            Voters = voters,
            Observers = observers,
            // Clusters with observers also change their voter set: an observer joins, a voter leaves, over and over.
            VoterChanges = observers > 0,
            LossProbability = r.NextDouble() * (harsh ? 0.2 : 0.05),
            DuplicationProbability = r.NextDouble() * 0.02,
            SlowMessageProbability = r.NextDouble() * 0.03,
            MaxDelayMs = 2 + r.Next(harsh ? 80 : 25),
            AppendIntervalMs = 30 + r.Next(150),
            SnapshotEveryBatches = r.Next(3) == 0 ? 0 : 5 + r.Next(40),
        };
    }

    public override string ToString() =>
        $"seed {Seed}: {Voters} voters + {Observers} observers, loss {LossProbability:F3}, dup {DuplicationProbability:F3}, " +
        $"slow {SlowMessageProbability:F3}, delay ≤{MaxDelayMs} ms, append every ~{AppendIntervalMs} ms, snapshot every {SnapshotEveryBatches}, " +
        $"partitions every ≤{PartitionIntervalMs + 300} ms, voter changes {VoterChanges}, crashes every ≤{CrashIntervalMs + 500} ms, polls late ≤{MaxPollDelayMs} ms, fetch ≤{FetchMaxBytes} bytes";
}
