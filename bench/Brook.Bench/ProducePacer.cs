using System.Diagnostics;

namespace Brook.Bench;

/// <summary>
/// Holds a produce loop to a fixed byte rate (--rate-mb-s), so latency can be measured under a known, moderate load
/// instead of at saturation where it only measures queueing. Without a rate it never waits.
/// </summary>
public sealed class ProducePacer(double? megabytesPerSecond, int recordSize)
{
    private readonly double _secondsPerRecord = megabytesPerSecond is { } rate ? Math.Max(recordSize, 1) / (rate * 1024 * 1024) : 0;

    /// <summary>Waits until record <paramref name="index"/> is due (index × its share of a second since the start).</summary>
    public void WaitTurn(long index, Stopwatch clock)
    {
        if (_secondsPerRecord == 0) return;
        var due = index * _secondsPerRecord;
        while (true)
        {
            var ahead = due - clock.Elapsed.TotalSeconds;
            if (ahead <= 0) return;
            // Sleep for the coarse part (≈1 ms granularity), spin the rest: bursts stay around a millisecond's worth.
            if (ahead > 0.002) Thread.Sleep(1);
            else Thread.SpinWait(50);
        }
    }
}
