using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Metrics;

namespace Brook.Server.Tests.Metrics;

/// <summary>
/// ResponseErrors.Count's reading of a response for ErrorsPerSec: each partition's code for Produce and Fetch, a
/// fetch's top-level error alone when set, and NONE for any other answer.
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
    public void AnyOtherAnswerCountsAsNone()
    {
        ResponseErrors.Count(_scrape.Metrics.Requests, ApiKey.Metadata, new MetadataResponse());
        ResponseErrors.Count(_scrape.Metrics.Requests, ApiKey.Metadata, null);

        var scrape = Scrape();
        Assert.Equal(2, scrape.Value(Errors, ("error", "NONE"), ("request", "Metadata")));
        Assert.Single(scrape.Series(Errors));
    }
}
