namespace Brook.Metadata;

/// <summary>
/// The active controller's soft state about brokers, kept in memory and never in the metadata log (Kafka's
/// BrokerHeartbeatManager): when each broker was last heard from, the metadata offset it last reported, and the offset
/// a controlled shutdown waits for. A controller that becomes active starts every registered broker's session at that
/// moment — it cannot know when the previous controller last heard from them — so after a fail-over a dead broker is
/// fenced one full session timeout later at most. Thread-safe.
/// </summary>
internal sealed class BrokerHeartbeatTracker(TimeProvider time, TimeSpan sessionTimeout)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Session> _sessions = [];
    private int _activeEpoch = -1;

    private sealed class Session(long brokerEpoch, long lastContact)
    {
        public long BrokerEpoch = brokerEpoch;
        public long LastContact = lastContact;
        public long MetadataOffset = -1;
        public long ControlledShutdownOffset = -1;
    }

    public TimeSpan SessionTimeout => sessionTimeout;

    /// <summary>
    /// Called on every controller action: the first call in a new quorum epoch (this node just became the active
    /// controller) forgets everything and gives every registered broker a fresh session — except a broker on the node
    /// that led the quorum until it fell silent (<paramref name="silenceOf"/>): that node's broker heartbeated to its own
    /// controller, so it was last heard from when the quorum last heard from it, and its session is dated from then.
    /// </summary>
    public void Activate(int quorumEpoch, MetadataImage image, Func<int, TimeSpan?>? silenceOf = null)
    {
        lock (_lock)
        {
            if (_activeEpoch == quorumEpoch) return;
            _activeEpoch = quorumEpoch;
            _sessions.Clear();
            var now = time.GetTimestamp();
            foreach (var broker in image.Brokers.Values)
            {
                var silence = silenceOf?.Invoke(broker.Id);
                var lastContact = silence is { } s && s > TimeSpan.Zero
                    ? now - (long)(Math.Min(s.TotalSeconds, sessionTimeout.TotalSeconds) * time.TimestampFrequency)
                    : now;
                _sessions[broker.Id] = new Session(broker.Epoch, lastContact);
            }
        }
    }

    /// <summary>A (re-)registration starts a new session.</summary>
    public void Register(int brokerId, long brokerEpoch)
    {
        lock (_lock) _sessions[brokerId] = new Session(brokerEpoch, time.GetTimestamp());
    }

    /// <summary>An unregistered broker has no session any more.</summary>
    public void Remove(int brokerId)
    {
        lock (_lock) _sessions.Remove(brokerId);
    }

    /// <summary>A heartbeat from <paramref name="brokerId"/> at <paramref name="brokerEpoch"/>, having replayed up to <paramref name="metadataOffset"/>.</summary>
    public void Touch(int brokerId, long brokerEpoch, long metadataOffset)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (!_sessions.TryGetValue(brokerId, out var s) || s.BrokerEpoch != brokerEpoch)
                _sessions[brokerId] = s = new Session(brokerEpoch, now);
            s.LastContact = now;
            s.MetadataOffset = Math.Max(s.MetadataOffset, metadataOffset);
        }
    }

    /// <summary>
    /// Brokers that still count as alive in <paramref name="image"/> (unfenced or in controlled shutdown) but were not
    /// heard from for the session timeout. A broker the tracker does not know yet gets its session now.
    /// </summary>
    public List<int> Expired(MetadataImage image)
    {
        var expired = new List<int>();
        lock (_lock)
        {
            var now = time.GetTimestamp();
            foreach (var broker in image.Brokers.Values)
            {
                if (broker.IsFenced) continue;
                if (!_sessions.TryGetValue(broker.Id, out var s) || s.BrokerEpoch != broker.Epoch)
                {
                    _sessions[broker.Id] = new Session(broker.Epoch, now);
                    continue;
                }
                if (time.GetElapsedTime(s.LastContact, now) > sessionTimeout) expired.Add(broker.Id);
            }
        }
        return expired;
    }

    /// <summary>True while <paramref name="brokerId"/>'s session at <paramref name="brokerEpoch"/> has not expired.</summary>
    public bool HasValidSession(int brokerId, long brokerEpoch)
    {
        lock (_lock)
            return _sessions.TryGetValue(brokerId, out var s) && s.BrokerEpoch == brokerEpoch
                && time.GetElapsedTime(s.LastContact) <= sessionTimeout;
    }

    /// <summary>
    /// The lowest metadata offset reported by the active brokers other than <paramref name="except"/> (-1 for one not
    /// heard from since this controller became active); <see cref="long.MaxValue"/> when there is none. A controlled
    /// shutdown completes only once this reaches its offset: every broker that may have taken over a leadership knows it.
    /// </summary>
    public long LowestActiveOffset(MetadataImage image, int except)
    {
        var lowest = long.MaxValue;
        lock (_lock)
        {
            foreach (var broker in image.Brokers.Values)
            {
                if (broker.Id == except || !broker.IsActive) continue;
                var offset = _sessions.TryGetValue(broker.Id, out var s) && s.BrokerEpoch == broker.Epoch ? s.MetadataOffset : -1;
                lowest = Math.Min(lowest, offset);
            }
        }
        return lowest;
    }

    /// <summary>The offset the controlled shutdown of <paramref name="brokerId"/> waits for, or -1 when none was recorded.</summary>
    public long ControlledShutdownOffset(int brokerId)
    {
        lock (_lock) return _sessions.TryGetValue(brokerId, out var s) ? s.ControlledShutdownOffset : -1;
    }

    /// <summary>Records the offset of the write that moved <paramref name="brokerId"/>'s leaderships away (the first one only, as Kafka does).</summary>
    public void SetControlledShutdownOffset(int brokerId, long brokerEpoch, long offset)
    {
        lock (_lock)
        {
            if (!_sessions.TryGetValue(brokerId, out var s) || s.BrokerEpoch != brokerEpoch)
                _sessions[brokerId] = s = new Session(brokerEpoch, time.GetTimestamp());
            if (s.ControlledShutdownOffset < 0) s.ControlledShutdownOffset = offset;
        }
    }
}
