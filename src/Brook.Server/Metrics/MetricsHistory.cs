namespace Brook.Server.Metrics;

/// <summary>
/// The last half hour of a few of the broker's own metrics, sampled every <see cref="Interval"/> into memory so the web
/// console can chart consumer lag and topic throughput without a Prometheus: per-topic messages/bytes in and bytes out
/// (counters; the chart takes their rate) and per-group, per-partition lag (gauges). Bounded: a fixed ring of samples
/// per series, and a series is forgotten once it has had no value for the whole window (a deleted topic or group).
/// </summary>
public sealed class MetricsHistory : IDisposable
{
    /// <summary>Time between samples.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Samples kept: 30 minutes at <see cref="Interval"/>.</summary>
    public const int Capacity = 360;

    /// <summary>The families sampled (Prometheus names).</summary>
    public static readonly IReadOnlySet<string> Sampled = new HashSet<string>(StringComparer.Ordinal)
    {
        "kafka_server_brokertopicmetrics_messagesin_total",
        "kafka_server_brokertopicmetrics_bytesin_total",
        "kafka_server_brokertopicmetrics_bytesout_total",
        "kafka_consumergroup_group_lag",
        "kafka_consumergroup_group_sum_lag",
    };

    private readonly PrometheusExporter _exporter;
    private readonly TimeProvider _time;
    private readonly ITimer? _timer;
    private readonly Lock _lock = new();
    private readonly long[] _times = new long[Capacity];
    private readonly Dictionary<string, Entry> _series = new(StringComparer.Ordinal);
    private long _samples;

    /// <param name="exporter">Where the values are read.</param>
    /// <param name="time">The clock; <paramref name="startTimer"/> false leaves sampling to <see cref="Sample"/> (tests).</param>
    /// <param name="startTimer">Whether to sample every <see cref="Interval"/> on <paramref name="time"/>'s timer.</param>
    public MetricsHistory(PrometheusExporter exporter, TimeProvider time, bool startTimer = true)
    {
        _exporter = exporter;
        _time = time;
        if (startTimer) _timer = time.CreateTimer(_ => SampleSafely(), null, TimeSpan.Zero, Interval);
    }

    /// <summary>One series over the window: its labels and (unix ms, value) points, oldest first, gaps left out.</summary>
    public sealed record SeriesHistory(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, IReadOnlyList<(long UnixMs, double Value)> Points)
    {
        /// <summary>The value of label <paramref name="name"/>, or null.</summary>
        public string? Label(string name) => Labels.FirstOrDefault(l => l.Key == name).Value;
    }

    /// <summary>Takes one sample of every sampled family now.</summary>
    public void Sample()
    {
        var values = _exporter.Read(Sampled);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            var slot = (int)(_samples % Capacity);
            _times[slot] = now;
            foreach (var entry in _series.Values) entry.Values[slot] = double.NaN;
            foreach (var value in values)
            {
                var key = value.Name + "{" + string.Join(',', value.Labels.Select(l => l.Key + "=" + l.Value)) + "}";
                if (!_series.TryGetValue(key, out var entry))
                {
                    entry = new Entry(value.Name, value.Labels);
                    _series[key] = entry;
                }
                entry.Values[slot] = value.Value;
            }
            _samples++;
            if (_samples % Capacity == 0)
                foreach (var (key, entry) in _series.ToList())
                    if (entry.Values.All(double.IsNaN)) _series.Remove(key);
        }
    }

    /// <summary>The series of family <paramref name="name"/> whose labels satisfy <paramref name="match"/>.</summary>
    public IReadOnlyList<SeriesHistory> Query(string name, Func<IReadOnlyList<KeyValuePair<string, string>>, bool> match)
    {
        lock (_lock)
        {
            var count = (int)Math.Min(_samples, Capacity);
            var first = _samples - count;
            var result = new List<SeriesHistory>();
            foreach (var entry in _series.Values)
            {
                if (entry.Name != name || !match(entry.Labels)) continue;
                var points = new List<(long, double)>(count);
                for (var i = first; i < _samples; i++)
                {
                    var slot = (int)(i % Capacity);
                    if (!double.IsNaN(entry.Values[slot])) points.Add((_times[slot], entry.Values[slot]));
                }
                result.Add(new SeriesHistory(entry.Name, entry.Labels, points));
            }
            return result;
        }
    }

    public void Dispose() => _timer?.Dispose();

    private void SampleSafely()
    {
        try
        {
            Sample();
        }
        catch (ObjectDisposedException)
        {
            // The broker is stopping: its meters are gone.
        }
    }

    private sealed class Entry(string name, IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        public string Name { get; } = name;
        public IReadOnlyList<KeyValuePair<string, string>> Labels { get; } = labels;
        public double[] Values { get; } = Enumerable.Repeat(double.NaN, Capacity).ToArray();
    }
}
