namespace Brook.Examples.EventSourcing;

/// <summary>Where the projector is between start-up and serving: the service is ready only in <see cref="Ready"/>.</summary>
public enum ProjectionPhase
{
    /// <summary>Not started yet.</summary>
    Starting,

    /// <summary>Creating the topics if they do not exist.</summary>
    PreparingTopics,

    /// <summary>Reading the compacted state topic from its beginning into the read model.</summary>
    RestoringState,

    /// <summary>Projecting the events the state topic does not reflect yet (normally none: the group's offsets say so).</summary>
    CatchingUpEvents,

    /// <summary>The read model holds every event appended before start-up; commands and queries are served.</summary>
    Ready,

    /// <summary>The projector stopped on an error (see <see cref="ProjectionStatus.Error"/>); the instance needs a restart.</summary>
    Failed,
}

/// <summary>The projector's phase and counters, shared with the readiness endpoint, the command side and the tests.</summary>
public sealed class ProjectionStatus
{
    private int _phase;
    private long _restored;
    private long _projected;
    private long _skipped;
    private string? _error;

    /// <summary>The current phase.</summary>
    public ProjectionPhase Phase => (ProjectionPhase)Volatile.Read(ref _phase);

    /// <summary>Whether the read model is rebuilt and caught up with the event log as it was at start-up.</summary>
    public bool IsReady => Phase == ProjectionPhase.Ready;

    /// <summary>Records read from the state topic during the rebuild (after compaction: about one per account).</summary>
    public long StateRecordsRestored => Interlocked.Read(ref _restored);

    /// <summary>Events this instance applied and published a state for.</summary>
    public long EventsProjected => Interlocked.Read(ref _projected);

    /// <summary>Events this instance consumed but the restored state already reflected (a replay after a crash): ignored.</summary>
    public long EventsSkipped => Interlocked.Read(ref _skipped);

    /// <summary>Why the projector failed, when it did.</summary>
    public string? Error => Volatile.Read(ref _error);

    internal void Enter(ProjectionPhase phase) => Volatile.Write(ref _phase, (int)phase);

    internal void Restored(long records) => Interlocked.Exchange(ref _restored, records);

    internal void Projected() => Interlocked.Increment(ref _projected);

    internal void Skipped() => Interlocked.Increment(ref _skipped);

    internal void Fail(string error)
    {
        Volatile.Write(ref _error, error);
        Enter(ProjectionPhase.Failed);
    }
}
