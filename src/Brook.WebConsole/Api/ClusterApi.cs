using System.Reflection;
using Brook.Cli.Verbs;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Brook.WebConsole.Api;

/// <summary><c>/api/cluster</c> (brokers, controller, partition health) and <c>/api/brokers/{id}/configs</c>.</summary>
public static class ClusterApi
{
    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder routes, ConsoleKafka kafka)
    {
        routes.MapGet("/api/cluster", () => ApiResults.RunAsync(async () =>
        {
            var cluster = await kafka.Admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = ConsoleKafka.Timeout });
            var metadata = kafka.Admin.GetMetadata(ConsoleKafka.Timeout);
            var partitions = metadata.Topics.Where(t => !t.Error.IsError).SelectMany(t => t.Partitions).ToList();
            var leaders = partitions.GroupBy(p => p.Leader).ToDictionary(g => g.Key, g => g.Count());
            var replicas = partitions.SelectMany(p => p.Replicas).GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
            return ApiResults.Ok(new
            {
                ClusterId = cluster.ClusterId,
                Controller = cluster.Controller?.Id,
                Version = typeof(ClusterApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0],
                Brokers = cluster.Nodes.OrderBy(n => n.Id).Select(n => new
                {
                    n.Id,
                    n.Host,
                    n.Port,
                    n.Rack,
                    Controller = n.Id == cluster.Controller?.Id,
                    Leaders = leaders.GetValueOrDefault(n.Id),
                    Replicas = replicas.GetValueOrDefault(n.Id),
                }),
                Topics = metadata.Topics.Count(t => !t.Error.IsError),
                Partitions = partitions.Count,
                UnderReplicatedPartitions = partitions.Count(p => p.InSyncReplicas.Length < p.Replicas.Length),
                OfflinePartitions = partitions.Count(p => p.Leader < 0),
            });
        }));

        routes.MapGet("/api/brokers/{id:int}/configs", (int id) => ApiResults.RunAsync(async () =>
        {
            var configs = await ConfigChanges.DescribeAsync(kafka.Admin, ConsoleKafka.Timeout,
                new ConfigResource { Type = ResourceType.Broker, Name = id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, all: true, topic: false);
            return ApiResults.Ok(new { Broker = id, Configs = ConfigChanges.ToJson(configs) });
        }));
    }
}
