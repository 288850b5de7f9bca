namespace Brook.Coordination.Model;

/// <summary>What a deadline is for.</summary>
internal enum DeadlineKind
{
    /// <summary>A member's session (or a pending member's, or a new member's join) timeout.</summary>
    Heartbeat,

    /// <summary>The end of a group's join phase (rebalance timeout, or the initial rebalance delay).</summary>
    Join,

    /// <summary>The time members of a new generation have to send SyncGroup.</summary>
    PendingSync,

    /// <summary>The periodic offsets retention check (group and member empty).</summary>
    OffsetsRetention,

    /// <summary>A KIP-848 member's session timeout (group.consumer.session.timeout.ms).</summary>
    ConsumerSession,

    /// <summary>A KIP-848 member asked to revoke partitions must confirm within its rebalance timeout or be fenced.</summary>
    ConsumerRevocation,
}

/// <summary>Names one deadline; scheduling the same key again moves it.</summary>
internal readonly record struct DeadlineKey(DeadlineKind Kind, string GroupId, string MemberId = "");

/// <summary>
/// Deadlines keyed by <see cref="DeadlineKey"/>, earliest first. Moving or cancelling a deadline leaves its old heap
/// entry behind; entries that no longer match the key's current deadline are skipped when they surface, which keeps
/// rescheduling O(log n) without a decrease-key operation.
/// </summary>
internal sealed class DeadlineQueue
{
    private readonly Dictionary<DeadlineKey, long> _current = [];
    private readonly PriorityQueue<DeadlineKey, long> _heap = new();

    public int Count => _current.Count;

    public void Schedule(DeadlineKey key, long deadline)
    {
        _current[key] = deadline;
        _heap.Enqueue(key, deadline);
    }

    public void Cancel(DeadlineKey key) => _current.Remove(key);

    public bool IsScheduled(DeadlineKey key) => _current.ContainsKey(key);

    /// <summary>The earliest live deadline, or null when nothing is scheduled.</summary>
    public long? NextDeadline
    {
        get
        {
            while (_heap.TryPeek(out var key, out var deadline))
            {
                if (_current.TryGetValue(key, out var current) && current == deadline) return deadline;
                _heap.Dequeue();
            }
            return null;
        }
    }

    /// <summary>Takes one live deadline that is due at <paramref name="now"/>, removing it.</summary>
    public bool TryTakeDue(long now, out DeadlineKey key)
    {
        while (_heap.TryPeek(out key, out var deadline) && deadline <= now)
        {
            _heap.Dequeue();
            if (_current.TryGetValue(key, out var current) && current == deadline)
            {
                _current.Remove(key);
                return true;
            }
        }
        key = default;
        return false;
    }
}
