namespace Brook.Replication;

/// <summary>
/// One replication throttle (leader.replication.throttled.rate or follower.replication.throttled.rate): the bytes of
/// throttled replicas moved through this broker, measured as a rate over replication.quota.window.num samples of
/// replication.quota.window.size.seconds each, as Kafka's quota rate is — the rate divides by at least all but one of
/// the sample windows, so a short burst below the limit's worth of bytes is not held back. The limit is a dynamic
/// broker config: <see cref="Configure"/> applies it whenever the configuration changes. Callers record only while a
/// limit is set, so a limit starts measuring from the moment it is set. Thread-safe.
/// </summary>
public sealed class ReplicationQuota(TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _limit = long.MaxValue;
    private int _samples = 11;
    private long _windowMs = 1000;
    // The samples as a ring: the start of each one's window (ms) and the bytes recorded in it.
    private long[] _starts = new long[11];
    private long[] _bytes = new long[11];
    private int _current;

    /// <summary>The limit in bytes per second; long.MaxValue means no throttle.</summary>
    public long Limit => Volatile.Read(ref _limit);

    /// <summary>Sets the limit and the sample layout (the samples restart when the layout changes).</summary>
    public void Configure(long bytesPerSecond, int samples, int windowSeconds)
    {
        lock (_lock)
        {
            Volatile.Write(ref _limit, bytesPerSecond);
            samples = Math.Max(1, samples);
            var windowMs = Math.Max(1, windowSeconds) * 1000L;
            if (samples == _samples && windowMs == _windowMs) return;
            _samples = samples;
            _windowMs = windowMs;
            _starts = new long[samples];
            _bytes = new long[samples];
            _current = 0;
        }
    }

    /// <summary>Counts <paramref name="bytes"/> of throttled replication moved now.</summary>
    public void Record(long bytes)
    {
        if (bytes <= 0) return;
        lock (_lock)
        {
            var now = NowMs;
            Roll(now);
            _bytes[_current] += bytes;
        }
    }

    /// <summary>The measured rate in bytes per second.</summary>
    public double Rate()
    {
        lock (_lock)
        {
            var now = NowMs;
            Roll(now);
            long total = 0;
            var oldest = now;
            for (var i = 0; i < _samples; i++)
            {
                if (_bytes[i] == 0 && _starts[i] == 0) continue;
                total += _bytes[i];
                oldest = Math.Min(oldest, _starts[i]);
            }
            // Kafka's Rate: the elapsed time counts at least (samples - 1) whole windows.
            var elapsedMs = Math.Max(now - oldest, (_samples - 1) * _windowMs);
            return elapsedMs <= 0 ? total * 1000.0 / _windowMs : total * 1000.0 / elapsedMs;
        }
    }

    /// <summary>True while a limit is set and the measured rate is above it: throttled replicas out of the ISR wait.</summary>
    public bool IsExceeded => Limit != long.MaxValue && Rate() > Limit;

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    // Moves to the sample whose window holds now, clearing samples older than the whole measured span. Under _lock.
    private void Roll(long now)
    {
        if (_starts[_current] == 0)
        {
            _starts[_current] = now;
            return;
        }
        if (now < _starts[_current] + _windowMs) return;
        for (var i = 0; i < _samples; i++)
        {
            if (_starts[i] != 0 && now - _starts[i] >= _samples * _windowMs)
            {
                _starts[i] = 0;
                _bytes[i] = 0;
            }
        }
        _current = (_current + 1) % _samples;
        _starts[_current] = now;
        _bytes[_current] = 0;
    }
}
