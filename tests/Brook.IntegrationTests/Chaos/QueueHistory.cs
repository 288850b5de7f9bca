namespace Brook.IntegrationTests.Chaos;

/// <summary>A producer's acknowledgement: the broker said <see cref="Value"/> is at (partition, offset).</summary>
public sealed record AckedWrite(string Value, int Partition, long Offset);

/// <summary>
/// One record a consumer received. <see cref="Session"/> numbers the reader's assignment sessions (a new one after
/// every rebalance), because a re-assigned partition legitimately starts again from the committed offset.
/// </summary>
public sealed record Observation(string Reader, int Session, int Partition, long Offset, string Value);

/// <summary>
/// What a queue workload did and saw, thread-safe to record: values attempted, acknowledged and failed, every record
/// consumed, the final read after healing, and errors a correct cluster should never cause. Input of <see cref="HistoryChecker"/>.
/// </summary>
public sealed class QueueHistory
{
    private readonly object _lock = new();
    private readonly HashSet<string> _attempted = [];
    private readonly List<AckedWrite> _acked = [];
    private readonly Dictionary<string, string> _failed = [];
    private readonly List<Observation> _observed = [];
    private readonly List<Observation> _final = [];
    private readonly List<string> _fatalErrors = [];

    /// <summary>Every value a producer handed to its client (acknowledged, failed or never answered).</summary>
    public IReadOnlySet<string> Attempted
    {
        get
        {
            lock (_lock) return new HashSet<string>(_attempted);
        }
    }

    public IReadOnlyList<AckedWrite> Acked
    {
        get
        {
            lock (_lock) return [.. _acked];
        }
    }

    /// <summary>Values whose delivery reported an error (indeterminate: they may or may not have been written).</summary>
    public IReadOnlyDictionary<string, string> Failed
    {
        get
        {
            lock (_lock) return new Dictionary<string, string>(_failed);
        }
    }

    /// <summary>Records the group's consumers received while faults ran, in the order each reader received them.</summary>
    public IReadOnlyList<Observation> Observed
    {
        get
        {
            lock (_lock) return [.. _observed];
        }
    }

    /// <summary>The full read from earliest after healing (one reader, one session).</summary>
    public IReadOnlyList<Observation> FinalRead
    {
        get
        {
            lock (_lock) return [.. _final];
        }
    }

    /// <summary>Fatal client errors (e.g. an idempotent producer's OUT_OF_ORDER_SEQUENCE_NUMBER).</summary>
    public IReadOnlyList<string> FatalErrors
    {
        get
        {
            lock (_lock) return [.. _fatalErrors];
        }
    }

    public void Attempt(string value)
    {
        lock (_lock) _attempted.Add(value);
    }

    public void Ack(string value, int partition, long offset)
    {
        lock (_lock) _acked.Add(new AckedWrite(value, partition, offset));
    }

    public void Fail(string value, string error)
    {
        lock (_lock) _failed[value] = error;
    }

    public void Observe(Observation observation)
    {
        lock (_lock) _observed.Add(observation);
    }

    public void ObserveFinal(int partition, long offset, string value)
    {
        lock (_lock) _final.Add(new Observation("final", 0, partition, offset, value));
    }

    public void Fatal(string error)
    {
        lock (_lock) _fatalErrors.Add(error);
    }

    /// <summary>Counts for the test output.</summary>
    public string Summary()
    {
        lock (_lock)
        {
            return $"{_attempted.Count} attempted, {_acked.Count} acknowledged, {_failed.Count} failed, " +
                $"{_observed.Count} consumed by the group ({_observed.Select(o => o.Value).Distinct().Count()} distinct), " +
                $"{_final.Count} in the final read, {_fatalErrors.Count} fatal client errors";
        }
    }
}
