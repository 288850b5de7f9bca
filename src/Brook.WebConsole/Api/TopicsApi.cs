using System.Text.Json.Nodes;
using Brook.Cli.Verbs;
using Brook.Server.Metrics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Brook.WebConsole.Api;

/// <summary>
/// <c>/api/topics</c>: a searchable, paged list (thousands of topics stay one Metadata request), one topic's partitions,
/// offsets, sizes and configs, create, delete, alter configs, add partitions, and the topic's throughput history.
/// </summary>
public static class TopicsApi
{
    private static readonly HashSet<string> SizeFamily = ["kafka_log_log_size"];

    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder routes, ConsoleKafka kafka, PrometheusExporter exporter, MetricsHistory history)
    {
        routes.MapGet("/api/topics", (string? search, int? offset, int? limit, bool? @internal) => ApiResults.RunAsync(() =>
        {
            var metadata = kafka.Admin.GetMetadata(ConsoleKafka.Timeout);
            var sizes = Sizes(exporter);
            var matching = metadata.Topics
                .Where(t => !t.Error.IsError && (@internal == true || !t.Topic.StartsWith("__", StringComparison.Ordinal)))
                .Where(t => string.IsNullOrEmpty(search) || t.Topic.Contains(search, StringComparison.OrdinalIgnoreCase))
                .OrderBy(t => t.Topic, StringComparer.Ordinal)
                .ToList();
            var from = Math.Max(0, offset ?? 0);
            var count = Math.Clamp(limit ?? 50, 1, 1000);
            return Task.FromResult(ApiResults.Ok(new JsonObject
            {
                ["total"] = matching.Count,
                ["offset"] = from,
                ["topics"] = ApiResults.ArrayOf(matching.Skip(from).Take(count), t => new JsonObject
                {
                    ["name"] = t.Topic,
                    ["partitions"] = t.Partitions.Count,
                    ["replication_factor"] = t.Partitions.Count == 0 ? 0 : t.Partitions.Max(p => p.Replicas.Length),
                    ["under_replicated"] = t.Partitions.Count(p => p.InSyncReplicas.Length < p.Replicas.Length),
                    ["offline"] = t.Partitions.Count(p => p.Leader < 0),
                    ["internal"] = t.Topic.StartsWith("__", StringComparison.Ordinal),
                    ["size_bytes"] = t.Partitions.Sum(p => sizes.GetValueOrDefault((t.Topic, p.PartitionId))),
                }),
            }));
        }));

        routes.MapGet("/api/topics/{name}", (string name) => ApiResults.RunAsync(async () =>
        {
            var described = (await DescribedTopic.DescribeAsync(kafka.Admin, ConsoleKafka.Timeout, [name], allConfigs: true)).Single();
            if (described.Error is { } error) return ApiResults.Error(StatusCodes.Status404NotFound, $"topic {name}: {error}");
            var sizes = Sizes(exporter);
            var json = described.ToJson();
            foreach (var partition in json["partitions"]!.AsArray())
                partition!["size_bytes"] = sizes.GetValueOrDefault((name, (int)partition["partition"]!));
            return ApiResults.Ok(json);
        }));

        routes.MapPost("/api/topics", (HttpRequest request) => ApiResults.RunAsync(async () =>
        {
            var body = await ApiResults.ReadAsync(request, ConsoleJsonContext.Default.CreateTopicBody);
            if (string.IsNullOrWhiteSpace(body.Name)) throw new BadRequestException("a topic needs a name");
            await kafka.Admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = body.Name.Trim(),
                NumPartitions = body.Partitions ?? -1,
                ReplicationFactor = body.ReplicationFactor ?? -1,
                Configs = body.Configs ?? [],
            }], new CreateTopicsOptions { RequestTimeout = ConsoleKafka.Timeout, OperationTimeout = ConsoleKafka.Timeout });
            return ApiResults.Ok(new JsonObject { ["created"] = body.Name.Trim() });
        }));

        routes.MapDelete("/api/topics/{name}", (string name) => ApiResults.RunAsync(async () =>
        {
            await kafka.Admin.DeleteTopicsAsync([name], new DeleteTopicsOptions { RequestTimeout = ConsoleKafka.Timeout, OperationTimeout = ConsoleKafka.Timeout });
            return ApiResults.Ok(new JsonObject { ["deleted"] = name });
        }));

        routes.MapPost("/api/topics/{name}/configs", (string name, HttpRequest request) => ApiResults.RunAsync(async () =>
        {
            var body = await ApiResults.ReadAsync(request, ConsoleJsonContext.Default.AlterConfigsBody);
            var entries = (body.Set ?? []).Select(s => new ConfigEntry { Name = s.Key, Value = s.Value, IncrementalOperation = AlterConfigOpType.Set })
                .Concat((body.Delete ?? []).Select(d => new ConfigEntry { Name = d, Value = "", IncrementalOperation = AlterConfigOpType.Delete }))
                .ToList();
            if (entries.Count == 0) throw new BadRequestException("nothing to change: give set and/or delete");
            await kafka.Admin.IncrementalAlterConfigsAsync(
                new Dictionary<ConfigResource, List<ConfigEntry>> { [new ConfigResource { Type = ResourceType.Topic, Name = name }] = entries },
                new IncrementalAlterConfigsOptions { RequestTimeout = ConsoleKafka.Timeout });
            return ApiResults.Ok(new JsonObject { ["topic"] = name, ["changed"] = entries.Count });
        }));

        routes.MapPost("/api/topics/{name}/partitions", (string name, HttpRequest request) => ApiResults.RunAsync(async () =>
        {
            var body = await ApiResults.ReadAsync(request, ConsoleJsonContext.Default.AddPartitionsBody);
            if (body.Total is not > 0) throw new BadRequestException("total: the partition count to grow the topic to");
            await kafka.Admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = name, IncreaseTo = body.Total.Value }],
                new CreatePartitionsOptions { RequestTimeout = ConsoleKafka.Timeout, OperationTimeout = ConsoleKafka.Timeout });
            return ApiResults.Ok(new JsonObject { ["topic"] = name, ["partitions"] = body.Total.Value });
        }));

        routes.MapGet("/api/topics/{name}/throughput", (string name) => ApiResults.RunAsync(() =>
        {
            bool OfTopic(IReadOnlyList<KeyValuePair<string, string>> labels) => labels.Any(l => l.Key == "topic" && l.Value == name);
            var series = new JsonObject();
            foreach (var (key, family) in new[]
                     {
                         ("messages_in", "kafka_server_brokertopicmetrics_messagesin_total"),
                         ("bytes_in", "kafka_server_brokertopicmetrics_bytesin_total"),
                         ("bytes_out", "kafka_server_brokertopicmetrics_bytesout_total"),
                     })
                series[key] = ChartSeries.ToJson(ChartSeries.Rates(history.Query(family, OfTopic).SelectMany(s => s.Points)));
            return Task.FromResult(ApiResults.Ok(new JsonObject
            {
                ["topic"] = name,
                ["interval_seconds"] = MetricsHistory.Interval.TotalSeconds,
                ["series"] = series,
            }));
        }));
    }

    // This broker's log size per partition (its own replicas; in a cluster, the partitions it hosts).
    private static Dictionary<(string, int), long> Sizes(PrometheusExporter exporter)
    {
        var sizes = new Dictionary<(string, int), long>();
        foreach (var value in exporter.Read(SizeFamily))
            if (value.Label("topic") is { } topic && int.TryParse(value.Label("partition"), out var partition))
                sizes[(topic, partition)] = (long)value.Value;
        return sizes;
    }
}
