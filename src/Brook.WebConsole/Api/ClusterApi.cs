using System.Reflection;
using System.Text.Json.Nodes;
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
            return ApiResults.Ok(new JsonObject
            {
                ["cluster_id"] = cluster.ClusterId,
                ["controller"] = cluster.Controller?.Id,
                ["version"] = typeof(ClusterApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0],
                ["brokers"] = ApiResults.ArrayOf(cluster.Nodes.OrderBy(n => n.Id), n => new JsonObject
                {
                    ["id"] = n.Id,
                    ["host"] = n.Host,
                    ["port"] = n.Port,
                    ["rack"] = n.Rack,
                    ["controller"] = n.Id == cluster.Controller?.Id,
                    ["leaders"] = leaders.GetValueOrDefault(n.Id),
                    ["replicas"] = replicas.GetValueOrDefault(n.Id),
                }),
                ["topics"] = metadata.Topics.Count(t => !t.Error.IsError),
                ["partitions"] = partitions.Count,
                ["under_replicated_partitions"] = partitions.Count(p => p.InSyncReplicas.Length < p.Replicas.Length),
                ["offline_partitions"] = partitions.Count(p => p.Leader < 0),
            });
        }));

        routes.MapGet("/api/brokers/{id:int}/configs", (int id) => ApiResults.RunAsync(async () =>
        {
            var configs = await ConfigChanges.DescribeAsync(kafka.Admin, ConsoleKafka.Timeout,
                new ConfigResource { Type = ResourceType.Broker, Name = id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, all: true, topic: false);
            return ApiResults.Ok(new JsonObject { ["broker"] = id, ["configs"] = ConfigChanges.ToJson(configs) });
        }));
    }
}
