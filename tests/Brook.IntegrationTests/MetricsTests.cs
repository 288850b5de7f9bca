using System.Net;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;

namespace Brook.IntegrationTests;

/// <summary>
/// The admin listener's /metrics and /health endpoints on a real broker process, driven by Confluent.Kafka: messages
/// and bytes in and out, request counts and latency histograms, and a group's lag in records and seconds match what
/// the clients did (produce 300, commit 120 → lag 180); then Debian's Prometheus scrapes the broker and its query API
/// returns the same values.
/// </summary>
[Trait("Category", "Broker")]
public sealed class MetricsTests(ITestOutputHelper output)
{
    private const int Records = 300;
    private const int Committed = 120;

    [Fact]
    public async Task ScrapeShowsTrafficRequestLatencyAndConsumerLag()
    {
        Librdkafka.EnsureLoaded();
        var adminPort = FreePort.Pick();
        await using var broker = await BrokerProcess.StartAsync("metrics", $"brook.admin.listener=127.0.0.1:{adminPort}");
        using var log = new BrokerLogReporter(broker, output);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{adminPort}/health/live")).StatusCode);
        await Eventually.HoldsAsync(async () => (await http.GetAsync($"http://127.0.0.1:{adminPort}/health/ready")).StatusCode == HttpStatusCode.OK,
            "the broker did not report ready", TimeSpan.FromSeconds(30));

        var (topic, group) = await ProduceAndCommitAsync(broker.BootstrapServers);

        ScrapedMetrics metrics = null!;
        try
        {
            await Eventually.HoldsAsync(async () =>
            {
                metrics = await ScrapedMetrics.ScrapeAsync(adminPort);
                return metrics.Value("kafka_consumergroup_group_lag", ("group", group), ("topic", topic), ("partition", "0")) == Records - Committed;
            }, "the scrape did not show the group's lag of 180", TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            output.WriteLine("--- last scrape (groups) ---\n" + string.Join('\n', metrics?.Text.Split('\n').Where(l => l.Contains("group", StringComparison.Ordinal)) ?? []));
            throw;
        }

        Assert.Equal(Records, metrics.Value("kafka_server_brokertopicmetrics_messagesin_total", ("topic", topic)));
        Assert.True(metrics.Value("kafka_server_brokertopicmetrics_messagesin_total") >= Records);
        var bytesIn = metrics.Value("kafka_server_brokertopicmetrics_bytesin_total", ("topic", topic));
        Assert.True(bytesIn > Records * 20, $"bytes in {bytesIn}: 300 records of 20+ bytes each were produced");
        Assert.True(metrics.Value("kafka_server_brokertopicmetrics_bytesout_total", ("topic", topic)) > 0, "the consumer's fetches count as bytes out");
        Assert.Equal(0, metrics.Value("kafka_server_brokertopicmetrics_failedproducerequests_total", ("topic", topic)));
        Assert.Equal(Committed, metrics.Value("kafka_consumergroup_group_offset", ("group", group), ("topic", topic), ("partition", "0")));
        Assert.Equal(Records, metrics.Value("kafka_log_log_logendoffset", ("topic", topic), ("partition", "0")));
        Assert.True(metrics.Value("kafka_log_log_size", ("topic", topic), ("partition", "0")) >= bytesIn);
        Assert.Equal(Records - Committed, metrics.Value("kafka_consumergroup_group_sum_lag", ("group", group)));
        // The records were written at least a second before the scrape (ProduceAndCommitAsync waits), so the oldest
        // unconsumed one is at least that old, and not older than the test.
        var lagSeconds = metrics.Value("kafka_consumergroup_group_lag_seconds", ("group", group), ("topic", topic), ("partition", "0"));
        Assert.True(lagSeconds is >= 1 and < 120, $"lag in seconds {lagSeconds}");

        Assert.True(metrics.Sum("kafka_network_requestmetrics_requests_total", ("request", "Produce")) >= 1);
        Assert.True(metrics.Value("kafka_network_requestmetrics_totaltimems_count", ("request", "Produce")) >= 1);
        Assert.True(metrics.Value("kafka_network_requestmetrics_totaltimems_bucket", ("request", "Produce"), ("le", "+Inf")) >= 1);
        Assert.True(metrics.Value("kafka_network_requestmetrics_errors_total", ("error", "NONE"), ("request", "Produce")) >= 1);
        Assert.True(metrics.Value("kafka_network_requestmetrics_localtimems_count", ("request", "OffsetCommit")) >= 1);
        Assert.True(metrics.Value("kafka_server_replicamanager_leadercount") >= 1);
        Assert.True(metrics.Value("kafka_server_replicamanager_partitioncount") >= 1);
        Assert.Equal(0, metrics.Value("kafka_server_replicamanager_underreplicatedpartitions"));
        Assert.Equal(1, metrics.Value("kafka_controller_kafkacontroller_activecontrollercount"));
        Assert.True(metrics.Value("kafka_coordinator_group_groupmetadatamanager_numgroups") >= 1);
        Assert.True(metrics.Value("kafka_coordinator_group_groupmetadatamanager_numoffsets") >= 1);
        Assert.True(metrics.Value("kafka_server_groupcoordinatormetrics_offsetcommit_total") >= 1);
        Assert.True(metrics.Value("kafka_network_requestmetrics_errors_total", ("error", "NONE"), ("request", "OffsetCommit")) >= 1);
        // A single node has no ISR to change; the counters are there at zero, as Kafka's are.
        Assert.Equal(0, metrics.Value("kafka_server_replicamanager_isrshrinks_total"));
        Assert.Equal(0, metrics.Value("kafka_server_replicamanager_isrexpands_total"));
        Assert.True(metrics.Value("process_cpu_seconds_total") > 0);
        Assert.True(metrics.Value("process_open_fds") > 0);
        Assert.True(metrics.Sum("dotnet_gc_collections_total") >= 0 && metrics.Text.Contains("# TYPE dotnet_gc_collections_total counter", StringComparison.Ordinal));

        // Caught up: lag and lag in seconds drop to zero.
        CommitAt(broker.BootstrapServers, group, topic, Records);
        await Eventually.HoldsAsync(async () =>
        {
            metrics = await ScrapedMetrics.ScrapeAsync(adminPort);
            return metrics.Value("kafka_consumergroup_group_lag", ("group", group), ("topic", topic), ("partition", "0")) == 0
                && metrics.Value("kafka_consumergroup_group_lag_seconds", ("group", group), ("topic", topic), ("partition", "0")) == 0;
        }, "lag did not drop to 0 after committing the end", TimeSpan.FromSeconds(15));
    }

    [PrometheusFact]
    public async Task PrometheusScrapesTheBroker()
    {
        Librdkafka.EnsureLoaded();
        var adminPort = FreePort.Pick();
        await using var broker = await BrokerProcess.StartAsync("metrics-prom", $"brook.admin.listener=127.0.0.1:{adminPort}");
        using var log = new BrokerLogReporter(broker, output);
        await using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{adminPort}", scrapeInterval: TimeSpan.FromSeconds(1));
        try
        {
            var (topic, group) = await ProduceAndCommitAsync(broker.BootstrapServers);
            async Task<bool> Is(string promql, Func<double, bool> ok) => await prometheus.QueryScalarAsync(promql) is { } v && ok(v);
            await Eventually.HoldsAsync(() => Is($"kafka_server_brokertopicmetrics_messagesin_total{{topic=\"{topic}\"}}", v => v == Records),
                "Prometheus did not see 300 messages in", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
            await Eventually.HoldsAsync(() => Is($"kafka_consumergroup_group_lag{{group=\"{group}\",topic=\"{topic}\",partition=\"0\"}}", v => v == Records - Committed),
                "Prometheus did not see the lag of 180", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
            Assert.True(await Is($"kafka_server_brokertopicmetrics_bytesin_total{{topic=\"{topic}\"}}", v => v > Records * 20));
            Assert.True(await Is("sum(kafka_network_requestmetrics_totaltimems_count{request=\"Produce\"})", v => v >= 1));
            // The latency histogram works with PromQL's histogram_quantile: a produce takes more than nothing and well under 30 s.
            Assert.True(await Is("histogram_quantile(0.99, sum by (le) (kafka_network_requestmetrics_totaltimems_bucket{request=\"Produce\"}))", v => v > 0 && v <= 30000));
            Assert.True(await Is($"kafka_consumergroup_group_lag_seconds{{group=\"{group}\"}}", v => v >= 1));
            Assert.True(await Is("up{job=\"brook\"}", v => v == 1));
        }
        catch
        {
            output.WriteLine("--- prometheus ---\n" + prometheus.Log);
            throw;
        }
    }

    /// <summary>
    /// Produces 300 keyed records to a new one-partition topic, reads them back, waits a second and a half (so lag in
    /// seconds has something to measure), then has a group commit offset 120.
    /// </summary>
    private static async Task<(string Topic, string Group)> ProduceAndCommitAsync(string bootstrap)
    {
        var topic = KafkaTestClient.UniqueTopic("metrics");
        var group = "metrics-group-" + Guid.NewGuid().ToString("N")[..8];
        await KafkaTestClient.CreateTopicAsync(bootstrap, topic, 1);
        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(bootstrap)))
        {
            for (var i = 0; i < Records; i++)
                producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = BitConverter.GetBytes(i), Value = new byte[20] });
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        // A consumer reads them all (bytes out); the group's committed position is set apart from it.
        var read = KafkaTestClient.ConsumeExactly(bootstrap, [new TopicPartition(topic, 0)], Records);
        Assert.Equal(Records, read.Count);
        await Task.Delay(1500);
        CommitAt(bootstrap, group, topic, Committed);
        return (topic, group);
    }

    private static void CommitAt(string bootstrap, string group, string topic, long offset)
    {
        var config = KafkaTestClient.ConsumerConfig(bootstrap);
        config.GroupId = group;
        config.EnableAutoCommit = false;
        using var consumer = KafkaTestClient.CreateConsumer(config);
        consumer.Commit([new TopicPartitionOffset(topic, 0, offset)]);
    }
}
