namespace Brook.Client;

/// <summary>
/// Kafka's exponential backoff with jitter: <c>initial × multiplier^attempts</c>, randomised by ±<c>jitter</c> and
/// capped at <c>max</c> (reconnect.backoff.ms and reconnect.backoff.max.ms use multiplier 2 and jitter 0.2).
/// </summary>
/// <remarks>
/// As in Kafka, the exponent stops growing where the un-jittered term reaches the maximum, and the cap is applied after
/// the jitter, so at the top the delays spread over <c>max × (1 - jitter) .. max</c>. Jitter keeps the brokers that lost the
/// same peer from reconnecting in lockstep.
/// </remarks>
public sealed class ExponentialBackoff
{
    private readonly double _initialMs;
    private readonly double _multiplier;
    private readonly double _maxMs;
    private readonly double _jitter;
    private readonly double _maxExponent;

    public ExponentialBackoff(TimeSpan initial, double multiplier, TimeSpan max, double jitter)
    {
        if (initial < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(initial));
        if (multiplier < 1) throw new ArgumentOutOfRangeException(nameof(multiplier));
        if (jitter is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(jitter));
        _initialMs = initial.TotalMilliseconds;
        _multiplier = multiplier;
        // A maximum below the initial value is raised to it, as Kafka does for reconnect.backoff.max.ms.
        _maxMs = Math.Max(max.TotalMilliseconds, _initialMs);
        _jitter = jitter;
        _maxExponent = multiplier > 1 && _maxMs > _initialMs && _initialMs > 0
            ? Math.Log(_maxMs / _initialMs) / Math.Log(multiplier)
            : 0;
    }

    /// <summary>The delay after <paramref name="attempts"/> earlier failures (0 for the first failure).</summary>
    public TimeSpan Backoff(int attempts)
    {
        if (_maxExponent == 0) return TimeSpan.FromMilliseconds(_initialMs);
        var term = _initialMs * Math.Pow(_multiplier, Math.Min(Math.Max(attempts, 0), _maxExponent));
        var factor = _jitter == 0 ? 1 : 1 - _jitter + Random.Shared.NextDouble() * 2 * _jitter;
        return TimeSpan.FromMilliseconds(Math.Min(Math.Floor(term * factor), _maxMs));
    }
}
