using System.Diagnostics;

namespace Brook.Bench;

/// <summary>
/// Holds a produce loop to a fixed byte rate (--rate-mb-s), so latency can be measured under a known, moderate load
/// instead of at saturation where it only measures queueing. Without a rate it never waits.
/// </summary>
public sealed class ProducePacer(double? megabytesPerSecond, int recordSize)
{
    private readonly double _secondsPerRecord = megabytesPerSecond is { } rate ? Math.Max(recordSize, 1) / (rate * 1024 * 1024) : 0;

    /// <summary>A pacer holding the loop to <paramref name="recordsPerSecond"/> records a second, whatever their size.</summary>
    public static ProducePacer RecordsPerSecond(double recordsPerSecond) => new(recordsPerSecond / (1024 * 1024), 1);

    /// <summary>Waits until record <paramref name="index"/> is due (index × its share of a second since the start).</summary>
    public void WaitTurn(long index, Stopwatch clock)
    {
        if (_secondsPerRecord == 0) return;
        var due = index * _secondsPerRecord;
        // Sleep (≈1 ms granularity) while ahead, then send every record that has fallen due in one burst of about a
        // millisecond's worth, as Kafka's producer-perf-test throttler does. Spinning for the sub-millisecond rest held
        // the loop to the exact due time but burned a whole core at 10 MB/s of 1 KiB records — on a two-core host half
        // the CPU the brokers under test need, which showed up as their tail latency. Latency is measured from each
        // record's Produce call, so a burst does not flatter it.
        while (due - clock.Elapsed.TotalSeconds > 0) Thread.Sleep(1);
    }
}
