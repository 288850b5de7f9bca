using System.Net;
using Brook.Client;
using Brook.Common;
using Brook.Common.Config;
using Brook.Protocol.Messages;
using Brook.Server.Quorum;
using Brook.Storage;

namespace Brook.Host;

/// <summary>
/// <c>brook metadata-quorum ...</c>, Kafka's kafka-metadata-quorum.sh: describes the KRaft quorum (DescribeQuorum v2)
/// and adds or removes a controller voter (AddRaftVoter / RemoveRaftVoter, KIP-853). Output goes to stdout, problems
/// to stderr; exit status 0 done, 1 refused or unreachable, 2 invalid command line or configuration.
/// </summary>
public static class MetadataQuorumCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        MetadataQuorumCommandLine commandLine;
        try
        {
            commandLine = MetadataQuorumCommandLine.Parse(args);
        }
        catch (ConfigException e)
        {
            error.WriteLine($"brook metadata-quorum: {e.Message}");
            return StorageCommand.InvalidUsage;
        }
        if (commandLine.Action == MetadataQuorumAction.Help)
        {
            output.Write(MetadataQuorumCommandLine.HelpText());
            return 0;
        }
        try
        {
            var endpoint = ParseEndpoint(commandLine.Bootstrap);
            await using var connection = await KafkaConnection.ConnectAsync(endpoint, KafkaConnectionOptions.Default with { ClientId = "brook-metadata-quorum" });
            return commandLine.Action switch
            {
                MetadataQuorumAction.DescribeStatus => await DescribeAsync(connection, replication: false, output, error),
                MetadataQuorumAction.DescribeReplication => await DescribeAsync(connection, replication: true, output, error),
                MetadataQuorumAction.AddController => await AddControllerAsync(connection, commandLine.Controller, output, error),
                _ => await RemoveControllerAsync(connection, commandLine.ControllerId, commandLine.ControllerDirectoryId!, output, error),
            };
        }
        catch (ConfigException e)
        {
            error.WriteLine($"brook metadata-quorum: {e.Message}");
            return StorageCommand.InvalidUsage;
        }
        catch (Exception e) when (e is KafkaConnectionException or IOException or TimeoutException or KafkaException or FormatException)
        {
            error.WriteLine($"brook metadata-quorum: {e.Message}");
            return StorageCommand.Refused;
        }
    }

    private static EndPoint ParseEndpoint(string hostPort)
    {
        if (HostPort.TryParse(hostPort, out var host, out var port) is { } problem) throw new ConfigException($"'{hostPort}': {problem}");
        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
    }

    private static async Task<int> DescribeAsync(KafkaConnection connection, bool replication, TextWriter output, TextWriter error)
    {
        var response = await connection.SendAsync<DescribeQuorumRequest, DescribeQuorumResponse>(new DescribeQuorumRequest
        {
            Topics = [new() { TopicName = RaftWire.MetadataTopicName, Partitions = [new() { PartitionIndex = 0 }] }],
        }, 2, Timeout);
        var partition = response.Topics.SelectMany(t => t.Partitions).FirstOrDefault();
        var code = response.ErrorCode != 0 ? response.ErrorCode : partition?.ErrorCode ?? (short)ErrorCode.UnknownServerError;
        if (code != 0 || partition is null)
        {
            error.WriteLine($"brook metadata-quorum: DescribeQuorum failed: {(ErrorCode)code} {response.ErrorMessage ?? partition?.ErrorMessage}");
            return StorageCommand.Refused;
        }
        var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var leader = partition.CurrentVoters.FirstOrDefault(v => v.ReplicaId == partition.LeaderId);
        var leaderEnd = leader?.LogEndOffset ?? partition.HighWatermark;
        if (replication)
        {
            output.WriteLine($"{"NodeId",-8}{"DirectoryId",-24}{"LogEndOffset",-14}{"Lag",-8}{"LastFetchTimestamp",-20}{"LastCaughtUpTimestamp",-23}Status");
            foreach (var (replica, status) in partition.CurrentVoters.Select(v => (v, v.ReplicaId == partition.LeaderId ? "Leader" : "Follower"))
                         .Concat(partition.Observers.Select(o => (o, "Observer"))))
            {
                output.WriteLine($"{replica.ReplicaId,-8}{replica.ReplicaDirectoryId,-24}{replica.LogEndOffset,-14}{Math.Max(0, leaderEnd - replica.LogEndOffset),-8}" +
                                 $"{replica.LastFetchTimestamp,-20}{replica.LastCaughtUpTimestamp,-23}{status}");
            }
            return 0;
        }
        var followers = partition.CurrentVoters.Where(v => v.ReplicaId != partition.LeaderId).ToList();
        var maxLag = followers.Count == 0 ? 0 : followers.Max(f => Math.Max(0, leaderEnd - f.LogEndOffset));
        var maxLagMs = followers.Count == 0 ? 0 : followers.Max(f => f.LastCaughtUpTimestamp < 0 ? -1 : Math.Max(0, nowMs - f.LastCaughtUpTimestamp));
        var endpoints = response.Nodes.ToDictionary(n => n.NodeId, n => n.Listeners);
        output.WriteLine($"{"LeaderId:",-24}{partition.LeaderId}");
        output.WriteLine($"{"LeaderEpoch:",-24}{partition.LeaderEpoch}");
        output.WriteLine($"{"HighWatermark:",-24}{partition.HighWatermark}");
        output.WriteLine($"{"MaxFollowerLag:",-24}{maxLag}");
        output.WriteLine($"{"MaxFollowerLagTimeMs:",-24}{maxLagMs}");
        output.WriteLine($"{"CurrentVoters:",-24}[{string.Join(", ", partition.CurrentVoters.Select(v => Describe(v, endpoints)))}]");
        output.WriteLine($"{"CurrentObservers:",-24}[{string.Join(", ", partition.Observers.Select(o => Describe(o, endpoints)))}]");
        return 0;
    }

    private static string Describe(DescribeQuorumResponse.ReplicaState replica, Dictionary<int, List<Brook.Protocol.Messages.ListenerEndpoint>> endpoints)
    {
        var listed = endpoints.TryGetValue(replica.ReplicaId, out var listeners)
            ? $", \"endpoints\": [{string.Join(", ", listeners.Select(l => $"\"{l.Name}://{l.Host}:{l.Port}\""))}]"
            : "";
        return $"{{\"id\": {replica.ReplicaId}, \"directoryId\": \"{replica.ReplicaDirectoryId}\"{listed}}}";
    }

    /// <summary>
    /// Reads the new controller's configuration as it starts with it (node.id, its controller listener, the directory
    /// id in its meta.properties) and asks the quorum to make it a voter; the leader answers once the change commits.
    /// </summary>
    private static async Task<int> AddControllerAsync(KafkaConnection connection, BrokerCommandLine controller, TextWriter output, TextWriter error)
    {
        var config = BrokerConfig.Load(controller);
        if (!config.IsController || config.ControllerListenerNames.Count == 0)
            throw new ConfigException("the configuration given to add-controller is not a controller's (process.roles must include controller, with controller.listener.names)");
        var names = config.ControllerListenerNames;
        var listeners = config.Listeners.Where(l => names.Contains(l.Name)).ToList();
        if (listeners.Count == 0 || listeners.Any(l => l.IsWildcardHost))
            throw new ConfigException($"the controller needs a {names[0]} listener with a host others can connect to");
        var logDir = Path.GetFullPath(config.LogDirs[0]);
        var meta = MetaProperties.Read(logDir) ?? throw new ConfigException($"{logDir} is not formatted (brook storage format): no directory id to add");
        var response = await connection.SendAsync<AddRaftVoterRequest, AddRaftVoterResponse>(new AddRaftVoterRequest
        {
            ClusterId = meta.ClusterId,
            TimeoutMs = (int)Timeout.TotalMilliseconds,
            VoterId = config.NodeId,
            VoterDirectoryId = Uuid.Parse(meta.DirectoryId),
            Listeners = [.. listeners.Select(l => new Brook.Protocol.Messages.ListenerEndpoint { Name = l.Name, Host = l.Host, Port = (ushort)l.Port })],
        }, 0, Timeout + TimeSpan.FromSeconds(5));
        return Report(response, $"Added controller {config.NodeId} with directory id {meta.DirectoryId} and endpoints: " +
                                string.Join(", ", listeners.Select(l => $"{l.Name}://{l.HostForUri}:{l.Port}")), output, error);
    }

    private static async Task<int> RemoveControllerAsync(KafkaConnection connection, int id, string directoryId, TextWriter output, TextWriter error)
    {
        var response = await connection.SendAsync<RemoveRaftVoterRequest, RemoveRaftVoterResponse>(new RemoveRaftVoterRequest
        {
            VoterId = id,
            VoterDirectoryId = Uuid.Parse(directoryId),
        }, 0, Timeout);
        return Report(response, $"Removed controller {id} with directory id {directoryId}", output, error);
    }

    private static int Report(ErrorMessageResponse response, string success, TextWriter output, TextWriter error)
    {
        if (response.ErrorCode == 0)
        {
            output.WriteLine(success);
            return 0;
        }
        error.WriteLine($"brook metadata-quorum: {(ErrorCode)response.ErrorCode}: {response.ErrorMessage}");
        return StorageCommand.Refused;
    }
}
