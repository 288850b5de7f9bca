using Brook.Server.Metrics;

namespace Brook.Server.Tests.Metrics;

/// <summary>
/// BrokerTopicMetrics and the connection counts as scraped from BrokerMetrics: every counter has an all-topics series
/// (no tag) and one per topic, failures count in both the failed and total counters, Retain drops a deleted topic's
/// series, and a connection lease counts as open until disposed.
/// </summary>
public sealed class BrokerTopicMetricsTests : IDisposable
{
    private const string Prefix = "kafka_server_brokertopicmetrics_";

    private readonly BrokerMetricsScrape _scrape = new();

    public void Dispose() => _scrape.Dispose();

    private Exposition Scrape() => _scrape.Scrape();

    [Fact]
    public void ProducedCountsMessagesBytesAndRequestsOverallAndPerTopic()
    {
        var topics = _scrape.Metrics.Topics;
        topics.Produced("a", 300, 1000);
        topics.Produced("a", 300, 1000);
        topics.Produced("b", 1, 10);

        var scrape = Scrape();
        Assert.Equal("counter", scrape.Types[Prefix + "messagesin_total"]);
        Assert.Equal(601, scrape.Value(Prefix + "messagesin_total"));
        Assert.Equal(600, scrape.Value(Prefix + "messagesin_total", ("topic", "a")));
        Assert.Equal(1, scrape.Value(Prefix + "messagesin_total", ("topic", "b")));
        Assert.Equal(2010, scrape.Value(Prefix + "bytesin_total"));
        Assert.Equal(2000, scrape.Value(Prefix + "bytesin_total", ("topic", "a")));
        Assert.Equal(10, scrape.Value(Prefix + "bytesin_total", ("topic", "b")));
        Assert.Equal(3, scrape.Value(Prefix + "totalproducerequests_total"));
        Assert.Equal(2, scrape.Value(Prefix + "totalproducerequests_total", ("topic", "a")));
        Assert.Equal(0, scrape.Value(Prefix + "failedproducerequests_total"));
        Assert.Equal(0, scrape.Value(Prefix + "bytesout_total"));
        Assert.Equal(3, scrape.Series(Prefix + "messagesin_total").Count());

        Assert.Equal(601, topics.AllTopics.MessagesIn);
        Assert.Equal(600, topics.For("a").MessagesIn);
    }

    [Fact]
    public void ProduceFailedCountsAsFailedAndTotalButNoMessages()
    {
        _scrape.Metrics.Topics.Produced("a", 5, 50);
        _scrape.Metrics.Topics.ProduceFailed("a");
        _scrape.Metrics.Topics.ProduceFailed("b");

        var scrape = Scrape();
        Assert.Equal(2, scrape.Value(Prefix + "failedproducerequests_total"));
        Assert.Equal(1, scrape.Value(Prefix + "failedproducerequests_total", ("topic", "a")));
        Assert.Equal(1, scrape.Value(Prefix + "failedproducerequests_total", ("topic", "b")));
        Assert.Equal(3, scrape.Value(Prefix + "totalproducerequests_total"));
        Assert.Equal(2, scrape.Value(Prefix + "totalproducerequests_total", ("topic", "a")));
        Assert.Equal(1, scrape.Value(Prefix + "totalproducerequests_total", ("topic", "b")));
        Assert.Equal(5, scrape.Value(Prefix + "messagesin_total"));
        Assert.Equal(0, scrape.Value(Prefix + "messagesin_total", ("topic", "b")));
    }

    [Fact]
    public void FetchedAndFetchFailedCountBytesOutAndFetchRequests()
    {
        _scrape.Metrics.Topics.Fetched("a", 500);
        _scrape.Metrics.Topics.Fetched("a", 250);
        _scrape.Metrics.Topics.Fetched("b", 0);
        _scrape.Metrics.Topics.FetchFailed("b");

        var scrape = Scrape();
        Assert.Equal(750, scrape.Value(Prefix + "bytesout_total"));
        Assert.Equal(750, scrape.Value(Prefix + "bytesout_total", ("topic", "a")));
        Assert.Equal(0, scrape.Value(Prefix + "bytesout_total", ("topic", "b")));
        Assert.Equal(4, scrape.Value(Prefix + "totalfetchrequests_total"));
        Assert.Equal(2, scrape.Value(Prefix + "totalfetchrequests_total", ("topic", "a")));
        Assert.Equal(2, scrape.Value(Prefix + "totalfetchrequests_total", ("topic", "b")));
        Assert.Equal(1, scrape.Value(Prefix + "failedfetchrequests_total"));
        Assert.Equal(0, scrape.Value(Prefix + "failedfetchrequests_total", ("topic", "a")));
        Assert.Equal(1, scrape.Value(Prefix + "failedfetchrequests_total", ("topic", "b")));
        Assert.Equal(0, scrape.Value(Prefix + "messagesin_total"));
    }

    [Fact]
    public void NoTrafficStillWritesTheAllTopicsSeries()
    {
        var scrape = Scrape();
        foreach (var name in new[] { "messagesin", "bytesin", "bytesout", "totalproducerequests", "failedproducerequests", "totalfetchrequests", "failedfetchrequests" })
        {
            Assert.Equal(0, scrape.Value(Prefix + name + "_total"));
            Assert.Single(scrape.Series(Prefix + name + "_total"));
        }
    }

    [Fact]
    public void RetainDropsADeletedTopicsSeriesButKeepsTheAllTopicsTotals()
    {
        _scrape.Metrics.Topics.Produced("kept", 2, 20);
        _scrape.Metrics.Topics.Produced("deleted", 3, 30);
        Assert.True(Scrape().Has(Prefix + "messagesin_total", ("topic", "deleted")));

        _scrape.Metrics.Topics.Retain(t => t != "deleted");

        var scrape = Scrape();
        Assert.False(scrape.Has(Prefix + "messagesin_total", ("topic", "deleted")));
        Assert.False(scrape.Has(Prefix + "bytesin_total", ("topic", "deleted")));
        Assert.Equal(2, scrape.Value(Prefix + "messagesin_total", ("topic", "kept")));
        Assert.Equal(5, scrape.Value(Prefix + "messagesin_total")); // Kafka's all-topics rate is not rewound
        Assert.DoesNotContain(_scrape.Metrics.Topics.Topics, kv => kv.Key == "deleted");
    }

    [Fact]
    public void ATopicRecreatedAfterRetainStartsFromZero()
    {
        _scrape.Metrics.Topics.Produced("t", 3, 30);
        _scrape.Metrics.Topics.Retain(_ => false);
        _scrape.Metrics.Topics.Produced("t", 1, 10);
        Assert.Equal(1, Scrape().Value(Prefix + "messagesin_total", ("topic", "t")));
    }

    [Fact]
    public void ConnectionLeaseCountsOpenConnectionsAndCreations()
    {
        var first = _scrape.Metrics.ConnectionOpened("PLAINTEXT");
        var second = _scrape.Metrics.ConnectionOpened("PLAINTEXT");
        var controller = _scrape.Metrics.ConnectionOpened("CONTROLLER");
        first.Dispose();

        var scrape = Scrape();
        Assert.Equal("gauge", scrape.Types["kafka_server_socketservermetrics_connectioncount"]);
        Assert.Equal("counter", scrape.Types["kafka_server_socketservermetrics_connectioncreation_total"]);
        Assert.Equal(1, scrape.Value("kafka_server_socketservermetrics_connectioncount", ("listener", "PLAINTEXT")));
        Assert.Equal(2, scrape.Value("kafka_server_socketservermetrics_connectioncreation_total", ("listener", "PLAINTEXT")));
        Assert.Equal(1, scrape.Value("kafka_server_socketservermetrics_connectioncount", ("listener", "CONTROLLER")));
        Assert.Equal(1, scrape.Value("kafka_server_socketservermetrics_connectioncreation_total", ("listener", "CONTROLLER")));

        second.Dispose();
        controller.Dispose();
        var closed = Scrape();
        Assert.Equal(0, closed.Value("kafka_server_socketservermetrics_connectioncount", ("listener", "PLAINTEXT")));
        Assert.Equal(2, closed.Value("kafka_server_socketservermetrics_connectioncreation_total", ("listener", "PLAINTEXT")));
    }

    [Fact]
    public void NoConnectionsNoListenerSeries()
    {
        var scrape = Scrape();
        Assert.Empty(scrape.Series("kafka_server_socketservermetrics_connectioncount"));
        Assert.Empty(scrape.Series("kafka_server_socketservermetrics_connectioncreation_total"));
    }
}
