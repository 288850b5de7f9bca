using System.Diagnostics.Metrics;
using Brook.Server.Metrics;

namespace Brook.Server.Tests.Metrics;

/// <summary>
/// MetricsHistory, the console's in-memory charts source: samples keep their time and order, only the sampled families
/// are kept, the ring holds at most <see cref="MetricsHistory.Capacity"/> samples, gaps are left out, and a series
/// without a value for a whole window (a deleted group) is forgotten.
/// </summary>
public sealed class MetricsHistoryTests : IDisposable
{
    private readonly string _meterName = "Brook.Test." + Guid.NewGuid().ToString("N");
    private readonly Meter _meter;
    private readonly PrometheusExporter _exporter;
    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));
    private readonly Dictionary<(string Group, int Partition), long> _lags = [];
    private long _messagesIn;

    public MetricsHistoryTests()
    {
        _meter = new Meter(_meterName);
        var name = _meterName;
        _exporter = new PrometheusExporter(m => m.Name == name);
        _meter.CreateObservableGauge("kafka.consumergroup.group.lag", () => _lags.Select(l => new Measurement<long>(l.Value,
            new KeyValuePair<string, object?>("group", l.Key.Group), new KeyValuePair<string, object?>("topic", "orders"),
            new KeyValuePair<string, object?>("partition", l.Key.Partition))));
        _meter.CreateObservableCounter("kafka.server.brokertopicmetrics.messagesin",
            () => new Measurement<long>(_messagesIn, new KeyValuePair<string, object?>("topic", "orders")));
        _meter.CreateObservableGauge("kafka.not.sampled", () => 7);
    }

    public void Dispose()
    {
        _exporter.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void Samples_keep_their_time_order_and_labels_and_only_the_sampled_families()
    {
        using var history = new MetricsHistory(_exporter, _clock, startTimer: false);
        _lags[("g1", 0)] = 30;
        _lags[("g2", 0)] = 5;
        _messagesIn = 100;
        history.Sample();
        _clock.Advance(MetricsHistory.Interval);
        _lags[("g1", 0)] = 3;
        _messagesIn = 150;
        history.Sample();

        var g1 = Assert.Single(history.Query("kafka_consumergroup_group_lag", l => l.Contains(new("group", "g1"))));
        Assert.Equal([("group", "g1"), ("partition", "0"), ("topic", "orders")], g1.Labels.Select(l => (l.Key, l.Value)));
        Assert.Equal([(1_800_000_000_000L, 30.0), (1_800_000_005_000L, 3.0)], g1.Points);
        Assert.Equal([100.0, 150.0], Assert.Single(history.Query("kafka_server_brokertopicmetrics_messagesin_total", _ => true)).Points.Select(p => p.Value));
        Assert.Empty(history.Query("kafka_not_sampled", _ => true));
    }

    [Fact]
    public void The_ring_holds_the_last_capacity_samples_and_leaves_gaps_out()
    {
        using var history = new MetricsHistory(_exporter, _clock, startTimer: false);
        for (var i = 0; i < MetricsHistory.Capacity + 10; i++)
        {
            _lags[("g1", 0)] = i;
            if (i % 2 == 0) _lags[("g2", 0)] = i;
            else _lags.Remove(("g2", 0));
            history.Sample();
            _clock.Advance(MetricsHistory.Interval);
        }

        var g1 = Assert.Single(history.Query("kafka_consumergroup_group_lag", l => l.Contains(new("group", "g1"))));
        Assert.Equal(MetricsHistory.Capacity, g1.Points.Count);
        Assert.Equal(10.0, g1.Points[0].Value);
        Assert.Equal(MetricsHistory.Capacity + 9.0, g1.Points[^1].Value);
        Assert.True(g1.Points.Zip(g1.Points.Skip(1)).All(p => p.Second.UnixMs - p.First.UnixMs == 5_000));
        var g2 = Assert.Single(history.Query("kafka_consumergroup_group_lag", l => l.Contains(new("group", "g2"))));
        Assert.Equal(MetricsHistory.Capacity / 2, g2.Points.Count);
        Assert.All(g2.Points, p => Assert.Equal(0, p.Value % 2));
    }

    [Fact]
    public void A_series_without_a_value_for_a_whole_window_is_forgotten()
    {
        using var history = new MetricsHistory(_exporter, _clock, startTimer: false);
        _lags[("gone", 0)] = 1;
        history.Sample();
        _lags.Clear();
        for (var i = 0; i < 2 * MetricsHistory.Capacity; i++) history.Sample();
        Assert.Empty(history.Query("kafka_consumergroup_group_lag", _ => true));
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
