using System.Diagnostics;
using Brook.Common;
using Brook.Protocol;
using Brook.Server.Metrics;

namespace Brook.Server.Tests.Metrics;

/// <summary>
/// RequestMetrics as scraped: one Record adds a request per API and version and one sample to each phase histogram
/// (queue, local, remote, send, total, in milliseconds from Stopwatch timestamps); CountError counts codes by their
/// Kafka name.
/// </summary>
public sealed class RequestMetricsTests : IDisposable
{
    private const string Prefix = "kafka_network_requestmetrics_";
    private static readonly long TicksPerMs = Stopwatch.Frequency / 1000;

    private readonly BrokerMetricsScrape _scrape = new();

    public void Dispose() => _scrape.Dispose();

    private Exposition Scrape() => _scrape.Scrape();

    /// <summary>Records one request whose phases take <paramref name="queue"/>, <paramref name="local"/>, ... milliseconds.</summary>
    private void Record(ApiKey key, short version, long queue, long local, long remote, long send)
    {
        var received = Stopwatch.GetTimestamp();
        var started = received + queue * TicksPerMs;
        var returned = started + local * TicksPerMs;
        var completed = returned + remote * TicksPerMs;
        var sent = completed + send * TicksPerMs;
        _scrape.Metrics.Requests.Record(key, version, received, started, returned, completed, sent);
    }

    [Fact]
    public void RecordAddsOneSampleToEachPhaseHistogram()
    {
        Record(ApiKey.Produce, 9, queue: 1, local: 2, remote: 3, send: 4);

        var scrape = Scrape();
        var produce = ("request", "Produce");
        foreach (var (name, ms) in new[] { ("requestqueuetimems", 1.0), ("localtimems", 2.0), ("remotetimems", 3.0), ("responsesendtimems", 4.0), ("totaltimems", 10.0) })
        {
            Assert.Equal("histogram", scrape.Types[Prefix + name]);
            Assert.Equal(ms, scrape.Value(Prefix + name + "_sum", produce), 6);
            Assert.Equal(1, scrape.Value(Prefix + name + "_count", produce));
        }
        Assert.Equal(1, scrape.Value(Prefix + "requests_total", produce, ("version", "9")));
        Assert.Single(scrape.Series(Prefix + "requests_total"));
    }

    [Fact]
    public void PhaseHistogramsUseTheLatencyBuckets()
    {
        Record(ApiKey.Produce, 9, queue: 1, local: 2, remote: 3, send: 4);

        var scrape = Scrape();
        var les = scrape.Matching(Prefix + "totaltimems_bucket").ToList(); // no series without labels
        Assert.Empty(les);
        var bounds = scrape.Series(Prefix + "totaltimems_bucket").Select(s => s.Labels["le"]).ToList();
        Assert.Equal([.. RequestMetrics.LatencyBucketsMs.Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture)), "+Inf"], bounds);
        // 1 ms is within le="1" (bounds are inclusive), 10 ms within le="10" but not le="5".
        Assert.Equal(0, scrape.Value(Prefix + "requestqueuetimems_bucket", ("request", "Produce"), ("le", "0.5")));
        Assert.Equal(1, scrape.Value(Prefix + "requestqueuetimems_bucket", ("request", "Produce"), ("le", "1")));
        Assert.Equal(0, scrape.Value(Prefix + "totaltimems_bucket", ("request", "Produce"), ("le", "5")));
        Assert.Equal(1, scrape.Value(Prefix + "totaltimems_bucket", ("request", "Produce"), ("le", "10")));
    }

    [Fact]
    public void RequestsAreCountedByApiAndVersion()
    {
        Record(ApiKey.Produce, 9, 0, 1, 0, 0);
        Record(ApiKey.Produce, 9, 0, 1, 0, 0);
        Record(ApiKey.Produce, 11, 0, 1, 0, 0);
        Record(ApiKey.Fetch, 16, 0, 1, 0, 0);

        var scrape = Scrape();
        Assert.Equal("counter", scrape.Types[Prefix + "requests_total"]);
        Assert.Equal(2, scrape.Value(Prefix + "requests_total", ("request", "Produce"), ("version", "9")));
        Assert.Equal(1, scrape.Value(Prefix + "requests_total", ("request", "Produce"), ("version", "11")));
        Assert.Equal(1, scrape.Value(Prefix + "requests_total", ("request", "Fetch"), ("version", "16")));
        Assert.Equal(3, scrape.Value(Prefix + "totaltimems_count", ("request", "Produce")));
        Assert.Equal(1, scrape.Value(Prefix + "totaltimems_count", ("request", "Fetch")));
    }

    [Fact]
    public void TimestampsOutOfOrderRecordZeroNotNegative()
    {
        var now = Stopwatch.GetTimestamp();
        _scrape.Metrics.Requests.Record(ApiKey.Metadata, 12, now, now - TicksPerMs, now - TicksPerMs, now - TicksPerMs, now - TicksPerMs);

        var scrape = Scrape();
        Assert.Equal(0, scrape.Value(Prefix + "requestqueuetimems_sum", ("request", "Metadata")));
        Assert.Equal(0, scrape.Value(Prefix + "totaltimems_sum", ("request", "Metadata")));
        Assert.Equal(1, scrape.Value(Prefix + "totaltimems_count", ("request", "Metadata")));
    }

    [Fact]
    public void CountErrorCountsCodesByKafkaName()
    {
        _scrape.Metrics.Requests.CountError(ApiKey.Produce, ErrorCode.NotLeaderOrFollower);
        _scrape.Metrics.Requests.CountError(ApiKey.Produce, ErrorCode.NotLeaderOrFollower, 2);
        _scrape.Metrics.Requests.CountError(ApiKey.Produce, ErrorCode.None);
        _scrape.Metrics.Requests.CountError(ApiKey.Fetch, ErrorCode.UnknownServerError);

        var scrape = Scrape();
        Assert.Equal("counter", scrape.Types[Prefix + "errors_total"]);
        Assert.Equal(3, scrape.Value(Prefix + "errors_total", ("error", "NOT_LEADER_OR_FOLLOWER"), ("request", "Produce")));
        Assert.Equal(1, scrape.Value(Prefix + "errors_total", ("error", "NONE"), ("request", "Produce")));
        Assert.Equal(1, scrape.Value(Prefix + "errors_total", ("error", "UNKNOWN_SERVER_ERROR"), ("request", "Fetch")));
        Assert.Equal(3, scrape.Series(Prefix + "errors_total").Count());
        Assert.Contains(scrape.Series(Prefix + "errors_total"), s => s.RawLabels == "error=\"NOT_LEADER_OR_FOLLOWER\",request=\"Produce\"");
    }

    [Fact]
    public void NothingRecordedNoSeries()
    {
        var scrape = Scrape();
        Assert.Empty(scrape.Series(Prefix + "requests_total"));
        Assert.Empty(scrape.Series(Prefix + "errors_total"));
        Assert.Empty(scrape.Series(Prefix + "totaltimems_count"));
    }

    [Theory]
    [InlineData(ErrorCode.None, "NONE")]
    [InlineData(ErrorCode.UnknownServerError, "UNKNOWN_SERVER_ERROR")]
    [InlineData(ErrorCode.NotLeaderOrFollower, "NOT_LEADER_OR_FOLLOWER")]
    [InlineData(ErrorCode.UnknownTopicOrPartition, "UNKNOWN_TOPIC_OR_PARTITION")]
    [InlineData(ErrorCode.KafkaStorageError, "KAFKA_STORAGE_ERROR")]
    [InlineData(ErrorCode.InvalidTxnState, "INVALID_TXN_STATE")]
    [InlineData(ErrorCode.InvalidTopicException, "INVALID_TOPIC_EXCEPTION")]
    [InlineData((ErrorCode)999, "999")]
    [InlineData((ErrorCode)(-7), "-7")]
    public void ErrorNamesAreKafkas(ErrorCode code, string name) => Assert.Equal(name, ErrorNames.Of(code));
}
