namespace Brook.ClientSupport;

/// <summary>Latency percentiles computed exactly from all recorded samples (Stopwatch ticks).</summary>
public static class Percentiles
{
    /// <summary>Sorts <paramref name="samples"/> in place and returns the nearest-rank percentile, in milliseconds.</summary>
    public static double[] Compute(long[] samples, int count, params double[] percentiles)
    {
        var span = samples.AsSpan(0, count);
        span.Sort();
        var result = new double[percentiles.Length];
        for (var i = 0; i < percentiles.Length; i++)
        {
            if (count == 0)
            {
                result[i] = double.NaN;
                continue;
            }
            var rank = (int)Math.Ceiling(percentiles[i] / 100.0 * count) - 1;
            result[i] = TicksToMs(span[Math.Clamp(rank, 0, count - 1)]);
        }
        return result;
    }

    public static double TicksToMs(long ticks) => ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
}
