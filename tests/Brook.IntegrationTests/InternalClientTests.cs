using System.Net;
using Brook.Client;
using Brook.IntegrationTests.Infrastructure;
using Brook.Protocol;
using Brook.Protocol.Messages;
using BrookError = Brook.Common.ErrorCode;

namespace Brook.IntegrationTests;

/// <summary>Brook.Client, the broker's own client for talking to other nodes, against a real broker process.</summary>
[Trait("Category", "Broker")]
public sealed class InternalClientTests : IClassFixture<DefaultBrokerFixture>, IDisposable
{
    private readonly DefaultBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;

    public InternalClientTests(DefaultBrokerFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task HundredPipelinedRequestsOfMixedApisAllComeBackToTheirSenders()
    {
        const int count = 100;
        await using var pool = new NodeConnections(
            id => id == BrokerProcess.DefaultNodeId ? new IPEndPoint(IPAddress.Loopback, _fixture.Broker.Port) : null,
            new NodeConnectionsOptions
            {
                Connection = new KafkaConnectionOptions { ClientId = "brook-internal-client-test", MaxInFlight = count, LocalAddress = IPAddress.Loopback },
            });
        var connection = await pool.GetConnectionAsync(BrokerProcess.DefaultNodeId);
        var metadataVersion = connection.PickVersion(MetadataRequest.Api);
        var apiVersionsVersion = connection.PickVersion(ApiKey.ApiVersions, 3, 3);
        Assert.Equal(MetadataRequest.Api.MaxVersion, metadataVersion);

        // All sent at once: the broker has up to 64 of a connection's requests in hand and answers in order; the client
        // checks every response's correlation id against the oldest request in flight, so a single answer out of order
        // would close the connection and fail the calls behind it.
        var sends = Enumerable.Range(0, count).Select(i => i % 3 == 2
            ? (Task)pool.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(BrokerProcess.DefaultNodeId,
                new ApiVersionsRequest { ClientSoftwareName = "brook-tests", ClientSoftwareVersion = "1.0" }, apiVersionsVersion)
            : pool.SendAsync<MetadataRequest, MetadataResponse>(BrokerProcess.DefaultNodeId, new MetadataRequest
            {
                Topics = [new MetadataRequest.MetadataRequestTopic { Name = $"pipelined-{i}" }],
                AllowAutoTopicCreation = false,
            }, metadataVersion)).ToArray();
        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(30));

        for (var i = 0; i < count; i++)
        {
            if (sends[i] is Task<ApiVersionsResponse> versionsSend)
            {
                var versions = await versionsSend;
                Assert.Equal(0, versions.ErrorCode);
                Assert.Contains(versions.ApiKeys, k => k.ApiKey == (short)ApiKey.Metadata);
            }
            else
            {
                var topic = Assert.Single((await (Task<MetadataResponse>)sends[i]).Topics);
                Assert.Equal($"pipelined-{i}", topic.Name);
                Assert.Equal((short)BrookError.UnknownTopicOrPartition, topic.ErrorCode);
            }
        }
        Assert.True(connection.IsConnected);
        Assert.Same(connection, await pool.GetConnectionAsync(BrokerProcess.DefaultNodeId));
    }
}
