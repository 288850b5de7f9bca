using Brook.Client;
using Brook.Common;
using Brook.Common.Config;
using Brook.Protocol.Messages;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Quorum;

/// <summary>
/// A broker-only node configured, as Kafka's stock broker.properties is, with controller.quorum.bootstrap.servers and
/// no controller.quorum.voters learns the voters before it starts: it asks a bootstrap server for DescribeQuorum v2
/// (KIP-853), whose answer names the voters and their controller endpoints (a voter that does not lead forwards the
/// question to the leader). It keeps asking, round the list, until the quorum answers or start-up is cancelled.
/// </summary>
public static class ControllerQuorumDiscovery
{
    private const short MinVersion = 2; // the first version with the voters' endpoints

    /// <summary>True for a broker-only node that names bootstrap servers but no voters.</summary>
    public static bool IsNeeded(BrokerConfig config) =>
        !config.IsController && config.ControllerQuorumVoters.Count == 0 && config.ControllerQuorumBootstrapServers.Count > 0;

    /// <summary>The configuration to start with: <paramref name="config"/> itself unless it needs discovery.</summary>
    public static async Task<BrokerConfig> ResolveAsync(BrokerConfig config, ILogger logger, CancellationToken ct)
    {
        if (!IsNeeded(config)) return config;
        var backoff = TimeSpan.FromMilliseconds(Math.Max(50, config.ControllerQuorumRetryBackoffMs));
        var options = KafkaConnectionOptions.Default with
        {
            ClientId = $"brook-quorum-discovery-{config.NodeId}",
            LocalAddress = QuorumEndpoints.LocalAddress(config),
            RequestTimeout = TimeSpan.FromMilliseconds(config.ControllerQuorumRequestTimeoutMs),
        };
        var attempt = 0;
        while (true)
        {
            foreach (var (host, port) in config.ControllerQuorumBootstrapServers)
            {
                ct.ThrowIfCancellationRequested();
                var voters = await TryAskAsync(host, port, options, logger, ct);
                if (voters is not null)
                {
                    logger.LogInformation("Learned the controller quorum from {Host}:{Port}: controller.quorum.voters={Voters}",
                        host, port, string.Join(",", voters));
                    return config.WithDiscoveredVoters(voters);
                }
            }
            // Loud once, then quiet: controllers that start after the brokers are normal.
            if (attempt++ == 0)
                logger.LogWarning("No controller in controller.quorum.bootstrap.servers ({Servers}) named the quorum yet; retrying",
                    string.Join(",", config.ControllerQuorumBootstrapServers.Select(s => $"{s.Host}:{s.Port}")));
            await Task.Delay(backoff, ct);
        }
    }

    private static async Task<List<QuorumVoter>?> TryAskAsync(string host, int port, KafkaConnectionOptions options, ILogger logger, CancellationToken ct)
    {
        if (QuorumEndpoints.Resolve(host, port) is not { } endpoint) return null;
        try
        {
            await using var connection = await KafkaConnection.ConnectAsync(endpoint, options, ct);
            await connection.NegotiateApiVersionsAsync(ct);
            var version = connection.PickVersion(DescribeQuorumRequest.Api);
            if (version < MinVersion)
            {
                logger.LogWarning("{Host}:{Port} serves DescribeQuorum only up to v{Version}, without the voters' endpoints", host, port, version);
                return null;
            }
            var response = await connection.SendAsync<DescribeQuorumRequest, DescribeQuorumResponse>(new DescribeQuorumRequest
            {
                Topics = [new() { TopicName = RaftWire.MetadataTopicName, Partitions = [new() { PartitionIndex = 0 }] }],
            }, version, ct);
            return VotersFrom(response);
        }
        catch (Exception e) when (e is IOException or TimeoutException or KafkaConnectionException or KafkaException
            or UnsupportedVersionException or Protocol.ProtocolException or System.Net.Sockets.SocketException)
        {
            logger.LogDebug("Asking {Host}:{Port} for the controller quorum failed: {Reason}", host, port, e.Message);
            return null;
        }
    }

    /// <summary>The voters with their first advertised endpoint; null unless the answer names every voter's endpoint.</summary>
    public static List<QuorumVoter>? VotersFrom(DescribeQuorumResponse response)
    {
        if (response.ErrorCode != 0) return null;
        var partition = response.Topics.SelectMany(t => t.Partitions).FirstOrDefault();
        if (partition is null || partition.ErrorCode != 0 || partition.CurrentVoters.Count == 0) return null;
        var endpoints = response.Nodes.Where(n => n.Listeners.Count > 0).ToDictionary(n => n.NodeId, n => n.Listeners[0]);
        var voters = new List<QuorumVoter>();
        foreach (var voter in partition.CurrentVoters)
        {
            if (!endpoints.TryGetValue(voter.ReplicaId, out var listener)) return null;
            voters.Add(new QuorumVoter(voter.ReplicaId, listener.Host, listener.Port));
        }
        return voters;
    }
}
