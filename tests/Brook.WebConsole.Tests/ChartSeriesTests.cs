using Brook.WebConsole.Api;

namespace Brook.WebConsole.Tests;

/// <summary>What the console's charts draw from sampled points: sums per sample time and per-second counter rates.</summary>
public sealed class ChartSeriesTests
{
    [Fact]
    public void Gauges_are_summed_per_sample_time_in_time_order()
    {
        var sums = ChartSeries.Sums([(2_000, 3), (1_000, 10), (2_000, 4), (1_000, 20)]);
        Assert.Equal([new ChartSeries.Point(1_000, 30), new ChartSeries.Point(2_000, 7)], sums);
    }

    [Fact]
    public void Counter_rates_are_per_second_between_samples_and_a_reset_counts_from_zero()
    {
        // Two brokers' series of one topic, summed, then: +500 in 5 s, +250 in 5 s, then a restart (sum drops to 40).
        var rates = ChartSeries.Rates([(0, 600), (0, 400), (5_000, 1_500), (10_000, 1_750), (15_000, 40)]);
        Assert.Equal([new ChartSeries.Point(5_000, 100), new ChartSeries.Point(10_000, 50), new ChartSeries.Point(15_000, 8)], rates);
    }

    [Fact]
    public void One_sample_has_no_rate_yet()
    {
        Assert.Empty(ChartSeries.Rates([(5_000, 10)]));
        Assert.Empty(ChartSeries.Rates([]));
    }
}
