using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Brook.Server.Metrics;

/// <summary>
/// Collects the instruments of Brook's meters and of the .NET runtime (System.Runtime) with a <see cref="MeterListener"/>
/// and writes them in the Prometheus text exposition format (version 0.0.4). Counters and histograms recorded on hot
/// paths are aggregated as they come (no allocation once a tag set has been seen); observable instruments are read
/// when scraped. Names: dots become underscores, counters end in _total, and the runtime's units add _bytes / _seconds
/// as OpenTelemetry's Prometheus exporter does; Brook's names are already the ones Kafka users know.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>The Content-Type of a scrape response.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly MeterListener _listener = new();
    private readonly Func<Meter, bool> _wanted;
    private readonly List<Family> _families = [];
    private readonly Lock _scrapeLock = new();

    /// <param name="wanted">Which meters to export; by default Brook's (names starting "Brook.") and System.Runtime.</param>
    public PrometheusExporter(Func<Meter, bool>? wanted = null)
    {
        _wanted = wanted ?? (m => m.Name.StartsWith("Brook.", StringComparison.Ordinal) || m.Name == "System.Runtime");
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!_wanted(instrument.Meter)) return;
            var family = new Family(instrument);
            lock (_families) _families.Add(family);
            listener.EnableMeasurementEvents(instrument, family);
        };
        _listener.MeasurementsCompleted = (instrument, state) =>
        {
            lock (_families) _families.Remove((Family)state!);
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Reads every observable instrument and returns the whole exposition.</summary>
    public string Scrape()
    {
        var text = new StringBuilder(64 * 1024);
        lock (_scrapeLock)
        {
            Family[] families;
            lock (_families) families = [.. _families];
            foreach (var f in families) f.BeginScrape();
            _listener.RecordObservableInstruments();
            // One family per name: a name published twice (two brokers in one process) is written once, merged.
            foreach (var group in families.GroupBy(f => f.Name, StringComparer.Ordinal))
                Family.Write(text, [.. group]);
        }
        return text.ToString();
    }

    /// <summary>
    /// The current value of every series of the families named <paramref name="names"/> (Prometheus names, e.g.
    /// kafka_consumergroup_group_lag), as a scrape would print them; a histogram gives its sum.
    /// </summary>
    public IReadOnlyList<MetricValue> Read(IReadOnlySet<string> names)
    {
        var values = new List<MetricValue>();
        lock (_scrapeLock)
        {
            Family[] families;
            lock (_families) families = [.. _families];
            foreach (var f in families) f.BeginScrape();
            _listener.RecordObservableInstruments();
            foreach (var f in families)
                if (names.Contains(f.Name)) f.Collect(values);
        }
        return values;
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>One instrument: its Prometheus name and type and its series by label set.</summary>
    private sealed class Family
    {
        private readonly Instrument _instrument;
        private readonly ConcurrentDictionary<LabelKey, Series> _series = new();
        private readonly double[] _buckets;

        public Family(Instrument instrument)
        {
            _instrument = instrument;
            var type = instrument.GetType();
            var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            Kind = generic == typeof(Histogram<>) ? "histogram"
                : generic == typeof(Counter<>) || generic == typeof(ObservableCounter<>) ? "counter"
                : "gauge";
            Name = PrometheusName(instrument, Kind);
            _buckets = Kind == "histogram" ? BucketsOf(instrument) : [];
            _setsValue = instrument.IsObservable || generic == typeof(Gauge<>);
        }

        /// <summary>Observable instruments and gauges report values; counters and up-down counters report deltas.</summary>
        private readonly bool _setsValue;

        public string Name { get; }
        public string Kind { get; }

        /// <summary>Observable instruments report their whole state at each scrape: the previous one is dropped.</summary>
        public void BeginScrape()
        {
            if (_instrument.IsObservable) _series.Clear();
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var key = new LabelKey(tags);
            if (!_series.TryGetValue(key, out var series))
                series = _series.GetOrAdd(key.Owned(), _ => new Series(_buckets.Length));
            if (Kind == "histogram") series.Observe(value, _buckets);
            else if (_setsValue) series.Set(value);
            else series.Add(value);
        }

        public void Collect(List<MetricValue> values)
        {
            foreach (var (key, series) in _series) values.Add(new MetricValue(Name, key.Pairs(), series.Value));
        }

        public static void Write(StringBuilder text, Family[] families)
        {
            var first = families[0];
            if (first._instrument.Description is { Length: > 0 } help)
                text.Append("# HELP ").Append(first.Name).Append(' ').Append(help.Replace("\\", "\\\\").Replace("\n", "\\n")).Append('\n');
            text.Append("# TYPE ").Append(first.Name).Append(' ').Append(first.Kind).Append('\n');
            var all = families.SelectMany(f => f._series.Select(kv => (Labels: kv.Key.Format(), kv.Value, f)))
                .OrderBy(s => s.Labels, StringComparer.Ordinal);
            foreach (var (labels, series, family) in all)
            {
                if (first.Kind != "histogram")
                {
                    text.Append(first.Name);
                    if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
                    text.Append(' ').Append(Number(series.Value)).Append('\n');
                    continue;
                }
                long cumulative = 0;
                for (var i = 0; i <= family._buckets.Length; i++)
                {
                    cumulative += Interlocked.Read(ref series.Buckets[i]);
                    var le = i < family._buckets.Length ? Number(family._buckets[i]) : "+Inf";
                    text.Append(first.Name).Append("_bucket{");
                    if (labels.Length > 0) text.Append(labels).Append(',');
                    text.Append("le=\"").Append(le).Append("\"} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
                var braces = labels.Length > 0 ? "{" + labels + "}" : "";
                text.Append(first.Name).Append("_sum").Append(braces).Append(' ').Append(Number(series.Value)).Append('\n');
                text.Append(first.Name).Append("_count").Append(braces).Append(' ').Append(Interlocked.Read(ref series.Count).ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        private static double[] BucketsOf(Instrument instrument) =>
            instrument is Histogram<double> { Advice.HistogramBucketBoundaries: { Count: > 0 } b } ? [.. b]
            : instrument is Histogram<long> { Advice.HistogramBucketBoundaries: { Count: > 0 } l } ? [.. l.Select(x => (double)x)]
            : DefaultBuckets;
    }

    /// <summary>One label set's value (counter sum, gauge value, or histogram buckets and sum).</summary>
    private sealed class Series(int buckets)
    {
        public long Count;
        public readonly long[] Buckets = new long[buckets + 1];
        private long _bits;

        public double Value => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _bits));

        public void Set(double value) => Interlocked.Exchange(ref _bits, BitConverter.DoubleToInt64Bits(value));

        public void Add(double delta)
        {
            while (true)
            {
                var old = Interlocked.Read(ref _bits);
                var updated = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(old) + delta);
                if (Interlocked.CompareExchange(ref _bits, updated, old) == old) return;
            }
        }

        public void Observe(double value, double[] bounds)
        {
            var i = 0;
            while (i < bounds.Length && value > bounds[i]) i++;
            Interlocked.Increment(ref Buckets[i]);
            Interlocked.Increment(ref Count);
            Add(value);
        }
    }

    /// <summary>
    /// A tag set as a dictionary key without allocating: up to three tags are compared in place (values by
    /// <see cref="object.Equals(object?)"/>, so the same strings match); more fall back to their formatted text.
    /// </summary>
    private readonly struct LabelKey : IEquatable<LabelKey>
    {
        private readonly KeyValuePair<string, object?> _a, _b, _c;
        private readonly int _count;
        private readonly string? _more;
        private readonly KeyValuePair<string, object?>[]? _moreTags;

        public LabelKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            _count = tags.Length;
            if (tags.Length > 3)
            {
                _more = FormatAll(tags);
                _moreTags = tags.ToArray();
                return;
            }
            if (tags.Length > 0) _a = tags[0];
            if (tags.Length > 1) _b = tags[1];
            if (tags.Length > 2) _c = tags[2];
            // Sorted by key, so the same tags given in another order are the same series.
            if (_count > 1 && Before(_b, _a)) (_a, _b) = (_b, _a);
            if (_count > 2 && Before(_c, _b)) (_b, _c) = (_c, _b);
            if (_count > 2 && Before(_b, _a)) (_a, _b) = (_b, _a);
        }

        private static bool Before(KeyValuePair<string, object?> x, KeyValuePair<string, object?> y) => string.CompareOrdinal(x.Key, y.Key) < 0;

        /// <summary>The key to store: the same (its values are immutable strings or boxed numbers).</summary>
        public LabelKey Owned() => this;

        public string Format()
        {
            if (_more is not null) return _more;
            Span<KeyValuePair<string, object?>> tags = [_a, _b, _c];
            return FormatAll(tags[.._count]);
        }

        /// <summary>The labels as text, sorted by name.</summary>
        public KeyValuePair<string, string>[] Pairs()
        {
            Span<KeyValuePair<string, object?>> few = [_a, _b, _c];
            var tags = _moreTags ?? few[.._count].ToArray();
            var pairs = tags.Select(t => new KeyValuePair<string, string>(t.Key, TagText(t.Value))).ToArray();
            Array.Sort(pairs, static (x, y) => string.CompareOrdinal(x.Key, y.Key));
            return pairs;
        }

        private static string TagText(object? value) => value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString() ?? "";

        private static string FormatAll(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var sorted = tags.ToArray();
            Array.Sort(sorted, static (x, y) => string.CompareOrdinal(x.Key, y.Key));
            var sb = new StringBuilder();
            foreach (var (key, value) in sorted)
            {
                if (sb.Length > 0) sb.Append(',');
                sb.Append(Sanitize(key, allowColon: false)).Append("=\"");
                var text = TagText(value);
                sb.Append(text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n")).Append('"');
            }
            return sb.ToString();
        }

        public bool Equals(LabelKey other) =>
            _count == other._count && _more == other._more && Same(_a, other._a) && Same(_b, other._b) && Same(_c, other._c);

        public override bool Equals(object? obj) => obj is LabelKey k && Equals(k);

        public override int GetHashCode() => HashCode.Combine(_count, _more, _a.Key, _a.Value, _b.Key, _b.Value, _c.Key, _c.Value);

        private static bool Same(KeyValuePair<string, object?> x, KeyValuePair<string, object?> y) =>
            string.Equals(x.Key, y.Key, StringComparison.Ordinal) && Equals(x.Value, y.Value);
    }

    private static string PrometheusName(Instrument instrument, string kind)
    {
        var name = Sanitize(instrument.Name);
        if (!instrument.Meter.Name.StartsWith("Brook.", StringComparison.Ordinal))
        {
            var suffix = instrument.Unit switch { "By" => "_bytes", "s" => "_seconds", "ms" => "_milliseconds", _ => "" };
            if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal)) name += suffix;
        }
        if (kind == "counter" && !name.EndsWith("_total", StringComparison.Ordinal)) name += "_total";
        return name;
    }

    /// <summary>A valid metric name (letters, digits, _ and :) or, without <paramref name="allowColon"/>, label name.</summary>
    private static string Sanitize(string name, bool allowColon = true)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (!(char.IsAsciiLetterOrDigit(chars[i]) || chars[i] == '_' || (allowColon && chars[i] == ':'))) chars[i] = '_';
        if (chars.Length > 0 && char.IsAsciiDigit(chars[0])) return "_" + new string(chars);
        return new string(chars);
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>One series' value read from the exporter: its Prometheus name, labels sorted by name, and value.</summary>
public sealed record MetricValue(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value)
{
    /// <summary>The value of label <paramref name="name"/>, or null.</summary>
    public string? Label(string name)
    {
        foreach (var (key, value) in Labels)
            if (key == name) return value;
        return null;
    }
}
