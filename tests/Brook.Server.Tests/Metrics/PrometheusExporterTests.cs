using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Brook.Server.Metrics;

namespace Brook.Server.Tests.Metrics;

/// <summary>
/// The Prometheus text exposition PrometheusExporter writes: names (dots → underscores, counters end in _total), TYPE
/// and escaped HELP lines, sorted and escaped labels, counters summing deltas, observable gauges read fresh at each
/// scrape, and cumulative histogram buckets from the instrument's advised boundaries.
/// </summary>
public sealed partial class PrometheusExporterTests : IDisposable
{
    private readonly string _meterName = "Brook.Test." + Guid.NewGuid().ToString("N");
    private readonly Meter _meter;
    private readonly PrometheusExporter _exporter;

    public PrometheusExporterTests()
    {
        _meter = new Meter(_meterName);
        var name = _meterName;
        _exporter = new PrometheusExporter(m => m.Name == name);
    }

    public void Dispose()
    {
        _exporter.Dispose();
        _meter.Dispose();
    }

    private Exposition Scrape() => Exposition.Parse(_exporter.Scrape());

    [Fact]
    public void CounterWithoutTagsIsOneTotalSeriesSummingTheAdds()
    {
        var counter = _meter.CreateCounter<long>("plain", description: "Things counted.");
        counter.Add(2);
        counter.Add(3);

        var text = _exporter.Scrape();
        var scrape = Exposition.Parse(text);
        Assert.Equal("counter", scrape.Types["plain_total"]);
        Assert.Equal("Things counted.", scrape.Help["plain_total"]);
        Assert.Equal(5, scrape.Value("plain_total"));
        Assert.Contains("\nplain_total 5\n", "\n" + text, StringComparison.Ordinal);
    }

    [Fact]
    public void CounterWithTagsIsOneSeriesPerTagSet()
    {
        var counter = _meter.CreateCounter<long>("tagged");
        counter.Add(1, new KeyValuePair<string, object?>("topic", "a"));
        counter.Add(4, new KeyValuePair<string, object?>("topic", "a"));
        counter.Add(7, new KeyValuePair<string, object?>("topic", "b"));

        var scrape = Scrape();
        Assert.Equal(5, scrape.Value("tagged_total", ("topic", "a")));
        Assert.Equal(7, scrape.Value("tagged_total", ("topic", "b")));
        Assert.Equal(2, scrape.Series("tagged_total").Count());
        Assert.False(scrape.Help.ContainsKey("tagged_total")); // no description, no HELP line
    }

    [Fact]
    public void CounterValuesPersistAcrossScrapes()
    {
        var counter = _meter.CreateCounter<long>("kept");
        counter.Add(2);
        Assert.Equal(2, Scrape().Value("kept_total"));
        counter.Add(1);
        Assert.Equal(3, Scrape().Value("kept_total"));
        Assert.Equal(3, Scrape().Value("kept_total"));
    }

    [Fact]
    public void ACounterNamedWithTotalIsNotSuffixedTwice()
    {
        _meter.CreateCounter<long>("already_total").Add(1);
        var scrape = Scrape();
        Assert.Equal(1, scrape.Value("already_total"));
        Assert.Empty(scrape.Series("already_total_total"));
    }

    [Fact]
    public void DoubleCounterKeepsFractions()
    {
        var counter = _meter.CreateCounter<double>("fraction");
        counter.Add(0.25);
        counter.Add(0.5);
        Assert.Equal(0.75, Scrape().Value("fraction_total"));
    }

    [Fact]
    public void HelpEscapesBackslashAndNewline()
    {
        _meter.CreateCounter<long>("helped", description: "back\\slash\nsecond line").Add(1);
        var text = _exporter.Scrape();
        Assert.Contains("# HELP helped_total back\\\\slash\\nsecond line\n", text, StringComparison.Ordinal);
        Assert.Equal("back\\\\slash\\nsecond line", Exposition.Parse(text).Help["helped_total"]);
    }

    [Fact]
    public void ObservableGaugeIsReadAtEachScrapeAndDropsSeriesNoLongerObserved()
    {
        var values = new Dictionary<string, long> { ["a"] = 10, ["b"] = 20 };
        _meter.CreateObservableGauge("sizes", () => values.Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("topic", kv.Key))).ToList(),
            description: "Sizes.");

        var first = Scrape();
        Assert.Equal("gauge", first.Types["sizes"]);
        Assert.Equal(10, first.Value("sizes", ("topic", "a")));
        Assert.Equal(20, first.Value("sizes", ("topic", "b")));

        values["a"] = 5; // a gauge reports a value, not a delta
        var second = Scrape();
        Assert.Equal(5, second.Value("sizes", ("topic", "a")));
        Assert.Equal(20, second.Value("sizes", ("topic", "b")));

        values.Remove("b");
        var third = Scrape();
        Assert.Equal(5, third.Value("sizes", ("topic", "a")));
        Assert.False(third.Has("sizes", ("topic", "b")));
        Assert.Single(third.Series("sizes"));
    }

    [Fact]
    public void ObservableCounterReportsItsCurrentTotalNotASum()
    {
        long total = 3;
        _meter.CreateObservableCounter("observed", () => total);
        Assert.Equal(3, Scrape().Value("observed_total"));
        total = 8;
        var scrape = Scrape();
        Assert.Equal("counter", scrape.Types["observed_total"]);
        Assert.Equal(8, scrape.Value("observed_total"));
    }

    [Fact]
    public void HistogramWritesCumulativeBucketsSumAndCount()
    {
        var histogram = _meter.CreateHistogram("latency", "ms", "Latency.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 10] });
        histogram.Record(0.5);
        histogram.Record(5);
        histogram.Record(50);

        var text = _exporter.Scrape();
        var scrape = Exposition.Parse(text);
        Assert.Equal("histogram", scrape.Types["latency"]);
        Assert.Equal(1, scrape.Value("latency_bucket", ("le", "1")));
        Assert.Equal(2, scrape.Value("latency_bucket", ("le", "10")));
        Assert.Equal(3, scrape.Value("latency_bucket", ("le", "+Inf")));
        Assert.Equal(3, scrape.Series("latency_bucket").Count());
        Assert.Equal(55.5, scrape.Value("latency_sum"));
        Assert.Equal(3, scrape.Value("latency_count"));
        // Buckets in ascending order, then _sum and _count.
        var order = scrape.Samples.Where(s => s.Name.StartsWith("latency", StringComparison.Ordinal)).Select(s => s.Name + "{" + s.RawLabels + "}").ToList();
        Assert.Equal(["latency_bucket{le=\"1\"}", "latency_bucket{le=\"10\"}", "latency_bucket{le=\"+Inf\"}", "latency_sum{}", "latency_count{}"], order);
    }

    [Fact]
    public void HistogramValueEqualToABoundCountsInThatBucket()
    {
        var histogram = _meter.CreateHistogram("edges", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 10] });
        histogram.Record(1);
        histogram.Record(10);

        var scrape = Scrape();
        Assert.Equal(1, scrape.Value("edges_bucket", ("le", "1")));
        Assert.Equal(2, scrape.Value("edges_bucket", ("le", "10")));
        Assert.Equal(2, scrape.Value("edges_bucket", ("le", "+Inf")));
    }

    [Fact]
    public void HistogramWithTagsPutsLeAfterItsLabelsPerSeries()
    {
        var histogram = _meter.CreateHistogram("tagged.latency", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1] });
        histogram.Record(0.5, new KeyValuePair<string, object?>("request", "Produce"));
        histogram.Record(2, new KeyValuePair<string, object?>("request", "Fetch"));
        histogram.Record(3, new KeyValuePair<string, object?>("request", "Fetch"));

        var scrape = Scrape();
        Assert.Equal(1, scrape.Value("tagged_latency_bucket", ("request", "Produce"), ("le", "1")));
        Assert.Equal(0, scrape.Value("tagged_latency_bucket", ("request", "Fetch"), ("le", "1")));
        Assert.Equal(2, scrape.Value("tagged_latency_bucket", ("request", "Fetch"), ("le", "+Inf")));
        Assert.Equal(5, scrape.Value("tagged_latency_sum", ("request", "Fetch")));
        Assert.Equal(2, scrape.Value("tagged_latency_count", ("request", "Fetch")));
        Assert.Contains(scrape.Series("tagged_latency_bucket"), s => s.RawLabels == "request=\"Fetch\",le=\"1\"");
    }

    [Fact]
    public void HistogramWithoutAdviceUsesTheDefaultBuckets()
    {
        _meter.CreateHistogram<double>("defaulted").Record(0.3);
        var les = Scrape().Series("defaulted_bucket").Select(s => s.Labels["le"]).ToList();
        Assert.Equal(["0.005", "0.01", "0.025", "0.05", "0.075", "0.1", "0.25", "0.5", "0.75", "1", "2.5", "5", "7.5", "10", "+Inf"], les);
    }

    [Fact]
    public void LabelsAreSortedByKey()
    {
        _meter.CreateCounter<long>("sorted").Add(1,
            new KeyValuePair<string, object?>("zeta", "1"), new KeyValuePair<string, object?>("alpha", "2"), new KeyValuePair<string, object?>("mid", "3"));
        var sample = Assert.Single(Scrape().Series("sorted_total"));
        Assert.Equal("alpha=\"2\",mid=\"3\",zeta=\"1\"", sample.RawLabels);
    }

    [Fact]
    public void MoreThanThreeTagsAreOneSeriesAndSorted()
    {
        var counter = _meter.CreateCounter<long>("wide");
        KeyValuePair<string, object?>[] tags = [new("d", "4"), new("c", "3"), new("b", "2"), new("a", "1")];
        counter.Add(1, tags);
        counter.Add(2, tags);
        var sample = Assert.Single(Scrape().Series("wide_total"));
        Assert.Equal("a=\"1\",b=\"2\",c=\"3\",d=\"4\"", sample.RawLabels);
        Assert.Equal(3, sample.Value);
    }

    [Fact]
    public void LabelValuesEscapeQuoteBackslashAndNewline()
    {
        const string value = "say \"hi\"\\path\nnext";
        _meter.CreateCounter<long>("escaped").Add(1, new KeyValuePair<string, object?>("v", value));
        var text = _exporter.Scrape();
        Assert.Contains("escaped_total{v=\"say \\\"hi\\\"\\\\path\\nnext\"} 1\n", text, StringComparison.Ordinal);
        Assert.Equal(1, Exposition.Parse(text).Value("escaped_total", ("v", value)));
    }

    [Fact]
    public void NonStringTagValuesAreFormattedInvariantly()
    {
        _meter.CreateCounter<long>("numbers").Add(1, new KeyValuePair<string, object?>("partition", 3), new KeyValuePair<string, object?>("ratio", 1.5));
        Assert.Equal(1, Scrape().Value("numbers_total", ("partition", "3"), ("ratio", "1.5")));
    }

    [Fact]
    public void DotsInInstrumentAndTagNamesBecomeUnderscores()
    {
        _meter.CreateCounter<long>("kafka.server.thing-count").Add(2, new KeyValuePair<string, object?>("my.tag", "x.y"));
        var scrape = Scrape();
        Assert.Equal("counter", scrape.Types["kafka_server_thing_count_total"]);
        Assert.Equal(2, scrape.Value("kafka_server_thing_count_total", ("my_tag", "x.y"))); // values keep their dots
    }

    [Fact]
    public void UpDownCounterIsAGaugeThatAddsDeltas()
    {
        var open = _meter.CreateUpDownCounter<long>("open.connections");
        open.Add(3);
        open.Add(-1);
        var scrape = Scrape();
        Assert.Equal("gauge", scrape.Types["open_connections"]);
        Assert.Equal(2, scrape.Value("open_connections"));
        open.Add(-2);
        Assert.Equal(0, Scrape().Value("open_connections"));
    }

    [Fact]
    public void ObservableUpDownCounterIsAGaugeReportingItsValue()
    {
        long value = 4;
        _meter.CreateObservableUpDownCounter("queued", () => value);
        Assert.Equal(4, Scrape().Value("queued"));
        value = 1;
        var scrape = Scrape();
        Assert.Equal("gauge", scrape.Types["queued"]);
        Assert.Equal(1, scrape.Value("queued"));
    }

    [Fact]
    public void GaugeKeepsTheLastValueRecorded()
    {
        var gauge = _meter.CreateGauge<double>("temperature");
        gauge.Record(3);
        gauge.Record(1.5);
        var scrape = Scrape();
        Assert.Equal("gauge", scrape.Types["temperature"]);
        Assert.Equal(1.5, scrape.Value("temperature"));
    }

    [Fact]
    public void BrookMetersGetNoUnitSuffixOtherMetersDo()
    {
        using var other = new Meter("Other.Test." + Guid.NewGuid().ToString("N"));
        var otherName = other.Name;
        var name = _meterName;
        using var exporter = new PrometheusExporter(m => m.Name == name || m.Name == otherName);
        other.CreateCounter<long>("runtime.allocated", "By").Add(7);
        other.CreateObservableGauge("runtime.uptime", () => 2.5, "s");
        other.CreateObservableGauge("runtime.gc.pause", () => 1.0, "ms");
        _meter.CreateCounter<long>("brook.more", "By").Add(1);

        var scrape = Exposition.Parse(exporter.Scrape());
        Assert.Equal(1, scrape.Value("brook_more_total"));
        Assert.Equal(7, scrape.Value("runtime_allocated_bytes_total"));
        Assert.Equal(2.5, scrape.Value("runtime_uptime_seconds"));
        Assert.Equal(1, scrape.Value("runtime_gc_pause_milliseconds"));
    }

    [Fact]
    public void OnlyWantedMetersAreExported()
    {
        using var other = new Meter("Brook.Other." + Guid.NewGuid().ToString("N"));
        other.CreateCounter<long>("unwanted").Add(1);
        _meter.CreateCounter<long>("wanted").Add(1);
        var scrape = Scrape();
        Assert.Equal(1, scrape.Value("wanted_total"));
        Assert.Empty(scrape.Series("unwanted_total"));
    }

    [Fact]
    public void TheSameNameFromTwoMetersIsOneFamily()
    {
        using var second = new Meter(_meterName);
        _meter.CreateCounter<long>("shared", description: "Shared.").Add(1, new KeyValuePair<string, object?>("broker", "1"));
        second.CreateCounter<long>("shared", description: "Shared.").Add(2, new KeyValuePair<string, object?>("broker", "2"));

        var scrape = Scrape();
        Assert.Single(scrape.TypeLines, n => n == "shared_total");
        Assert.Equal(1, scrape.Value("shared_total", ("broker", "1")));
        Assert.Equal(2, scrape.Value("shared_total", ("broker", "2")));
    }

    [Fact]
    public void ADisposedMetersInstrumentsLeaveTheScrape()
    {
        using var temporary = new Meter(_meterName);
        temporary.CreateCounter<long>("temporary").Add(1);
        Assert.Equal(1, Scrape().Value("temporary_total"));
        temporary.Dispose();
        Assert.Empty(Scrape().Series("temporary_total"));
    }

    [Fact]
    public void EveryLineIsASampleOrAHelpOrTypeComment()
    {
        _meter.CreateCounter<long>("a.b", description: "x").Add(1, new KeyValuePair<string, object?>("k", "v"));
        _meter.CreateHistogram<double>("c.d").Record(1);
        _meter.CreateObservableGauge("e.f", () => 1);
        var text = _exporter.Scrape();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
            Assert.Matches(LinePattern(), line);
    }

    // The format's metric and label names: [a-zA-Z_:][a-zA-Z0-9_:]* and [a-zA-Z_][a-zA-Z0-9_]*.
    [GeneratedRegex("""^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? \S+)$""")]
    private static partial Regex LinePattern();

    /// <summary>
    /// The same tag set given in another order is the same series: Prometheus rejects a scrape's duplicate series
    /// (same name and labels).
    /// </summary>
    [Fact]
    public void TagOrderDoesNotSplitASeries()
    {
        var counter = _meter.CreateCounter<long>("ordered");
        counter.Add(1, new KeyValuePair<string, object?>("a", "1"), new KeyValuePair<string, object?>("b", "2"));
        counter.Add(2, new KeyValuePair<string, object?>("b", "2"), new KeyValuePair<string, object?>("a", "1"));
        var sample = Assert.Single(Scrape().Series("ordered_total"));
        Assert.Equal(3, sample.Value);
    }

    /// <summary>Label names may not contain ':' (only metric names may), so a tag key's colon becomes an underscore.</summary>
    [Fact]
    public void ColonsInTagNamesBecomeUnderscores()
    {
        _meter.CreateCounter<long>("coloned").Add(1, new KeyValuePair<string, object?>("ns:key", "v"));
        Assert.Equal(1, Scrape().Value("coloned_total", ("ns_key", "v")));
    }
}
