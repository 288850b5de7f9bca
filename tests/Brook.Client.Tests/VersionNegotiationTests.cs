using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using static Brook.Client.Tests.Requests;
using Range = Brook.Protocol.Messages.ApiVersionsResponse.ApiVersionRange;

namespace Brook.Client.Tests;

/// <summary>ApiVersions after connecting, the KIP-511 fallback for a peer that does not know our ApiVersions version, and PickVersion.</summary>
public sealed class VersionNegotiationTests
{
    private static readonly Range[] PeerApis =
    [
        new((short)ApiKey.ApiVersions, 0, 4),
        new((short)ApiKey.Metadata, 0, 9),
        new((short)ApiKey.Fetch, 4, 12),
    ];

    [Fact]
    public async Task NegotiationKeepsThePeersRangesAndPicksTheHighestCommonVersion()
    {
        await using var server = new FakeKafkaServer(FakeKafkaServer.ServeAsync(PeerApis));
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);

        var versions = await connection.NegotiateApiVersionsAsync();

        Assert.Same(versions, connection.ApiVersions);
        Assert.True(versions.TryGetRange(ApiKey.Fetch, out var min, out var max));
        Assert.Equal((4, 12), (min, max));
        Assert.Equal(9, connection.PickVersion(ApiKey.Metadata, 0, 13));
        Assert.Equal(7, connection.PickVersion(ApiKey.Metadata, 1, 7));
        Assert.Equal(9, connection.PickVersion(MetadataRequest.Api));
        Assert.Equal(4, connection.PickVersion(ApiKey.Fetch, 0, 4));
    }

    [Fact]
    public async Task NoCommonVersionIsAnErrorNamingBothRanges()
    {
        await using var server = new FakeKafkaServer(FakeKafkaServer.ServeAsync(PeerApis));
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);
        await connection.NegotiateApiVersionsAsync();

        var tooNew = Assert.Throws<UnsupportedVersionException>(() => connection.PickVersion(ApiKey.Fetch, 13, 17));
        Assert.Equal(ErrorCode.UnsupportedVersion, tooNew.Code);
        Assert.Equal(ApiKey.Fetch, tooNew.ApiKey);
        Assert.Contains("v13-17", tooNew.Message);
        Assert.Contains("v4-12", tooNew.Message);
        Assert.Throws<UnsupportedVersionException>(() => connection.PickVersion(ApiKey.Fetch, 0, 3));
        var missing = Assert.Throws<UnsupportedVersionException>(() => connection.PickVersion(ApiKey.Vote, 0, 2));
        Assert.Contains("does not serve", missing.Message);
        Assert.False(connection.ApiVersions!.TryPickVersion(ApiKey.Vote, 0, 2, out _));
    }

    [Fact]
    public async Task PickingBeforeNegotiationIsAnError()
    {
        await using var server = new FakeKafkaServer(FakeKafkaServer.ServeAsync(PeerApis));
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);

        Assert.Null(connection.ApiVersions);
        Assert.Throws<InvalidOperationException>(() => connection.PickVersion(ApiKey.Metadata, 0, 9));
    }

    [Fact]
    public async Task AVersionThePeerDoesNotServeIsRefusedWithoutSending()
    {
        await using var server = new FakeKafkaServer(FakeKafkaServer.ServeAsync(PeerApis));
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);
        await connection.NegotiateApiVersionsAsync();

        await Assert.ThrowsAsync<UnsupportedVersionException>(() =>
            connection.SendAsync<MetadataRequest, MetadataResponse>(Metadata("x"), 12));
        // Sent anyway, the peer would have closed the connection; refused locally, the connection still serves.
        var response = await connection.SendAsync<MetadataRequest, MetadataResponse>(Metadata("x"), 9);
        Assert.Equal("x", response.Topics[0].Name);
    }

    [Fact]
    public async Task APeerThatDoesNotKnowOurApiVersionsVersionIsAskedAgainAtOneItKnows()
    {
        // KIP-511: an unknown ApiVersions version is answered with UNSUPPORTED_VERSION in a v0 body carrying the
        // peer's own ApiVersions range, whatever version was asked.
        var seen = new List<short>();
        var clientNames = new List<string>();
        await using var server = new FakeKafkaServer(async peer =>
        {
            while (await peer.ReadRequestAsync() is { } request)
            {
                seen.Add(request.Version);
                if (request.Version > 2)
                {
                    await peer.RespondAsync(request, ApiVersionsRequest.Api, new ApiVersionsResponse
                    {
                        ErrorCode = (short)ErrorCode.UnsupportedVersion,
                        ApiKeys = [new((short)ApiKey.ApiVersions, 0, 2)],
                    }, bodyVersion: 0);
                    continue;
                }
                clientNames.Add(request.Decode<ApiVersionsRequest>().ClientSoftwareName);
                await peer.RespondAsync(request, ApiVersionsRequest.Api, new ApiVersionsResponse
                {
                    ApiKeys = [new((short)ApiKey.ApiVersions, 0, 2), new((short)ApiKey.Metadata, 0, 8)],
                });
            }
        });
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);

        var versions = await connection.NegotiateApiVersionsAsync().WaitAsync(Patience);

        Assert.Equal([ApiVersionsRequest.Api.MaxVersion, 2], seen);
        Assert.Equal(8, versions.PickVersion(MetadataRequest.Api));
        Assert.Equal([""], clientNames); // v2 has no client software fields
    }

    [Fact]
    public async Task ApiVersionsCarriesTheClientSoftwareNameAndVersion()
    {
        ApiVersionsRequest? received = null;
        await using var server = new FakeKafkaServer(async peer =>
        {
            var request = (await peer.ReadRequestAsync())!;
            received = request.Decode<ApiVersionsRequest>();
            await peer.RespondAsync(request, ApiVersionsRequest.Api, new ApiVersionsResponse { ApiKeys = [.. PeerApis] });
            await peer.ReadRequestAsync();
        });
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint,
            new KafkaConnectionOptions { ClientSoftwareName = "brook-test", ClientSoftwareVersion = "9.9" });

        await connection.NegotiateApiVersionsAsync();

        Assert.Equal("brook-test", received!.ClientSoftwareName);
        Assert.Equal("9.9", received.ClientSoftwareVersion);
    }

    [Fact]
    public async Task AnApiVersionsErrorFailsTheNegotiation()
    {
        await using var server = new FakeKafkaServer(async peer =>
        {
            var request = (await peer.ReadRequestAsync())!;
            await peer.RespondAsync(request, ApiVersionsRequest.Api, new ApiVersionsResponse { ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed });
            await peer.ReadRequestAsync();
        });
        await using var connection = await KafkaConnection.ConnectAsync(server.EndPoint);

        var error = await Assert.ThrowsAsync<KafkaException>(() => connection.NegotiateApiVersionsAsync());
        Assert.Equal(ErrorCode.ClusterAuthorizationFailed, error.Code);
        Assert.Null(connection.ApiVersions);
    }
}
