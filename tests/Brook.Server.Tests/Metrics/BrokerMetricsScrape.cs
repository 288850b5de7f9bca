using Brook.Server.Metrics;

namespace Brook.Server.Tests.Metrics;

/// <summary>
/// A private <see cref="BrokerMetrics"/> and an exporter that reads only its meter (every BrokerMetrics in the process
/// names its meter "Brook.Server", so the filter is by instance), for tests that scrape what they recorded.
/// </summary>
internal sealed class BrokerMetricsScrape : IDisposable
{
    private readonly PrometheusExporter _exporter;

    public BrokerMetricsScrape()
    {
        var meter = Metrics.Meter;
        _exporter = new PrometheusExporter(m => ReferenceEquals(m, meter));
    }

    public BrokerMetrics Metrics { get; } = new();

    /// <summary>Scrapes and parses the exposition.</summary>
    public Exposition Scrape() => Exposition.Parse(_exporter.Scrape());

    public void Dispose()
    {
        _exporter.Dispose();
        Metrics.Dispose();
    }
}
