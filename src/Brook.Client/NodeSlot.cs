using System.Net;

namespace Brook.Client;

/// <summary>
/// What the pool knows about one node: its connection (or the attempt under way) and, after failures, when the next
/// attempt may start (Kafka's ClusterConnectionStates entry for the node). Guarded by <see cref="Gate"/>.
/// </summary>
internal sealed class NodeSlot(int nodeId)
{
    public int NodeId { get; } = nodeId;
    public Lock Gate { get; } = new();

    public KafkaConnection? Connection { get; set; }

    /// <summary>The connect-and-negotiate attempt every caller for this node shares, while one runs.</summary>
    public Task<KafkaConnection>? Connecting { get; set; }

    /// <summary>Where the current (or last) connection went, for log lines.</summary>
    public EndPoint? Endpoint { get; set; }

    /// <summary>Set when the node was closed on demand: a fresh slot replaces this one, whose attempt must not leak.</summary>
    public bool Removed { get; set; }

    /// <summary>Failures since the last connection that became ready; the exponent of the backoff.</summary>
    public int FailedAttempts { get; private set; }

    private long _lastFailure;
    private TimeSpan _backoff;

    /// <summary>Time left before the next attempt may start (zero if none is owed).</summary>
    public TimeSpan RemainingBackoff(TimeProvider time)
    {
        if (_backoff <= TimeSpan.Zero) return TimeSpan.Zero;
        var left = _backoff - time.GetElapsedTime(_lastFailure);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>
    /// A failed attempt or a lost connection: the next attempt waits backoff(failures so far), then the count grows —
    /// Kafka's order, so the first wait is the initial backoff.
    /// </summary>
    public TimeSpan RecordFailure(TimeProvider time, ExponentialBackoff backoff)
    {
        _lastFailure = time.GetTimestamp();
        _backoff = backoff.Backoff(FailedAttempts);
        FailedAttempts++;
        return _backoff;
    }

    /// <summary>A connection became ready: the backoff starts over (Kafka resets it once ApiVersions succeeded).</summary>
    public void RecordReady()
    {
        FailedAttempts = 0;
        _backoff = TimeSpan.Zero;
    }
}
