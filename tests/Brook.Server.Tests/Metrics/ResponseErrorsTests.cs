using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Metrics;

namespace Brook.Server.Tests.Metrics;

/// <summary>
/// ResponseErrors.Count's reading of a response for ErrorsPerSec: each partition's code for Produce and Fetch, a
/// fetch's top-level error alone when set, and every error field of any other answer (NONE when it has none).
/// </summary>
public sealed class ResponseErrorsTests : IDisposable
{
    private const string Errors = "kafka_network_requestmetrics_errors_total";

    private readonly BrokerMetricsScrape _scrape = new();

    public void Dispose() => _scrape.Dispose();

    private Exposition Scrape() => _scrape.Scrape();

    [Fact]
    public void ProduceCountsEveryPartitionsCode()
    {
        var response = new ProduceResponse
        {
            Responses =
            [
                new ProduceResponse.TopicProduceResponse
                {
                    Name = "t",
                    PartitionResponses = [new() { Index = 0, ErrorCode = 0 }, new() { Index = 1, ErrorCode = 6 }],
                },
            ],
        };

        ResponseErrors.Count(_scrape.Metrics.Requests, ApiKey.Produce, response);

        var scrape = Scrape();
        Assert.Equal(1, scrape.Value(Errors, ("error", "NONE"), ("request", "Produce")));
        Assert.Equal(1, scrape.Value(Errors, ("error", "NOT_LEADER_OR_FOLLOWER"), ("request", "Produce")));
        Assert.Equal(2, scrape.Series(Errors).Count());
    }

    [Fact]
    public void ProduceCountsPartitionsAcrossTopics()
    {
        var response = new ProduceResponse
        {
            Responses =
            [
                new ProduceResponse.TopicProduceResponse { Name = "a", PartitionResponses = [new() { ErrorCode = 0 }, new() { Index = 1, ErrorCode = 0 }] },
                new ProduceResponse.TopicProduceResponse { Name = "b", PartitionResponses = [new() { ErrorCode = 3 }] },
            ],
        };

        ResponseErrors.Count(_scrape.Metrics.Requests, ApiKey.Produce, response);

        var scrape = Scrape();
        Assert.Equal(2, scrape.Value(Errors, ("error", "NONE"), ("request", "Produce")));
        Assert.Equal(1, scrape.Value(Errors, ("error", "UNKNOWN_TOPIC_OR_PARTITION"), ("request", "Produce")));
    }

    [Fact]
    public void FetchCountsEveryPartitionsCode()
    {
        var response = new FetchResponse
        {
            Responses =
            [
                new FetchResponse.FetchableTopicResponse
                {
                    Topic = "t",
                    Partitions = [new() { PartitionIndex = 0, ErrorCode = 0 }, new() { PartitionIndex = 1, ErrorCode = 1 }, new() { PartitionIndex = 2, ErrorCode = 0 }],
                },
            ],
        };

        ResponseErrors.Count(_scrape.Metrics.Requests, ApiKey.Fetch, response);

        var scrape = Scrape();
        Assert.Equal(2, scrape.Value(Errors, ("error", "NONE"), ("request", "Fetch")));
        Assert.Equal(1, scrape.Value(Errors, ("error", "OFFSET_OUT_OF_RANGE"), ("request", "Fetch")));
    }

    [Fact]
    public void FetchTopLevelErrorIsCountedAloneOnce()
    {
        var response = new FetchResponse
        {
            ErrorCode = 70,
            Responses = [new FetchResponse.FetchableTopicResponse { Topic = "t", Partitions = [new() { ErrorCode = 0 }, new() { PartitionIndex = 1, ErrorCode = 0 }] }],
        };

        ResponseErrors.Count(_scrape.Metrics.Requests, ApiKey.Fetch, response);

        var scrape = Scrape();
        Assert.Equal(1, scrape.Value(Errors, ("error", "FETCH_SESSION_ID_NOT_FOUND"), ("request", "Fetch")));
        Assert.Single(scrape.Series(Errors));
    }

    [Fact]
    public void OtherAnswersCountEachTopicsAndPartitionsCode()
    {
        ResponseErrors.Count(_scrape.Metrics.Requests, ApiKey.CreateTopics, new CreateTopicsResponse
        {
            Topics = [new() { Name = "a", ErrorCode = 36 }, new() { Name = "b", ErrorCode = 0, TopicConfigErrorCode = 29 }, new() { Name = "c", ErrorCode = 36 }],
        });
        ResponseErrors.Count(_scrape.Metrics.Requests, ApiKey.OffsetCommit, new OffsetCommitResponse
        {
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, ErrorCode = 0 }, new() { PartitionIndex = 1, ErrorCode = 22 }] }],
        });
        ResponseErrors.Count(_scrape.Metrics.Requests, ApiKey.Heartbeat, new HeartbeatResponse { ErrorCode = 27 });

        var scrape = Scrape();
        Assert.Equal(2, scrape.Value(Errors, ("error", "TOPIC_ALREADY_EXISTS"), ("request", "CreateTopics")));
        Assert.Equal(1, scrape.Value(Errors, ("error", "NONE"), ("request", "CreateTopics")));
        // A side code (the configs could not be described) is not an error of the request.
        Assert.DoesNotContain(scrape.Series(Errors), s => s.Labels["error"] == "TOPIC_AUTHORIZATION_FAILED");
        Assert.Equal(1, scrape.Value(Errors, ("error", "NONE"), ("request", "OffsetCommit")));
        Assert.Equal(1, scrape.Value(Errors, ("error", "ILLEGAL_GENERATION"), ("request", "OffsetCommit")));
        Assert.Equal(1, scrape.Value(Errors, ("error", "REBALANCE_IN_PROGRESS"), ("request", "Heartbeat")));
    }

    [Fact]
    public void AnyOtherAnswerCountsAsNone()
    {
        ResponseErrors.Count(_scrape.Metrics.Requests, ApiKey.Metadata, new MetadataResponse());
        ResponseErrors.Count(_scrape.Metrics.Requests, ApiKey.Metadata, null);

        var scrape = Scrape();
        Assert.Equal(2, scrape.Value(Errors, ("error", "NONE"), ("request", "Metadata")));
        Assert.Single(scrape.Series(Errors));
    }
}
