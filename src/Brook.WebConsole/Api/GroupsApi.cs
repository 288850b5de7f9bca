using System.Text.Json.Nodes;
using Brook.Cli.Verbs;
using Brook.Server.Metrics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Brook.WebConsole.Api;

/// <summary>
/// <c>/api/groups</c>: every consumer group with its state, members and total lag; one group's members, assignments and
/// per-partition offsets and lag; and the group's lag over time from the broker's metrics history.
/// </summary>
public static class GroupsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder routes, ConsoleKafka kafka, MetricsHistory history)
    {
        routes.MapGet("/api/groups", (string? search) => ApiResults.RunAsync(async () =>
        {
            var listed = await kafka.Admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { RequestTimeout = ConsoleKafka.Timeout });
            var groups = listed.Valid
                .Where(g => string.IsNullOrEmpty(search) || g.GroupId.Contains(search, StringComparison.OrdinalIgnoreCase))
                .OrderBy(g => g.GroupId, StringComparer.Ordinal).ToList();
            var members = new Dictionary<string, int>(StringComparer.Ordinal);
            if (groups.Count > 0)
            {
                var described = await kafka.Admin.DescribeConsumerGroupsAsync(groups.Select(g => g.GroupId),
                    new DescribeConsumerGroupsOptions { RequestTimeout = ConsoleKafka.Timeout });
                foreach (var d in described.ConsumerGroupDescriptions) members[d.GroupId] = d.Members.Count;
            }
            var lags = history.Query("kafka_consumergroup_group_sum_lag", _ => true)
                .Where(s => s.Points.Count > 0 && s.Label("group") is not null)
                .ToDictionary(s => s.Label("group")!, s => s.Points[^1].Value, StringComparer.Ordinal);
            return ApiResults.Ok(ApiResults.ArrayOf(groups, g => new JsonObject
            {
                ["group"] = g.GroupId,
                ["state"] = GroupVerbs.StateName(g.State),
                ["type"] = g.Type.ToString().ToLowerInvariant(),
                ["members"] = members.GetValueOrDefault(g.GroupId),
                ["lag"] = lags.TryGetValue(g.GroupId, out var lag) ? (long?)lag : null,
            }));
        }));

        routes.MapGet("/api/groups/{id}", (string id) => ApiResults.RunAsync(async () =>
            ApiResults.Ok((await GroupView.LoadAsync(kafka.Admin, ConsoleKafka.Timeout, id)).ToJson())));

        routes.MapGet("/api/groups/{id}/lag-history", (string id) => ApiResults.RunAsync(() =>
        {
            var partitions = history.Query("kafka_consumergroup_group_lag", labels => labels.Any(l => l.Key == "group" && l.Value == id))
                .OrderBy(s => s.Label("topic"), StringComparer.Ordinal).ThenBy(s => int.TryParse(s.Label("partition"), out var p) ? p : 0)
                .ToList();
            return Task.FromResult(ApiResults.Ok(new JsonObject
            {
                ["group"] = id,
                ["interval_seconds"] = MetricsHistory.Interval.TotalSeconds,
                ["total"] = ChartSeries.ToJson(ChartSeries.Sums(partitions.SelectMany(s => s.Points))),
                ["partitions"] = ApiResults.ArrayOf(partitions, s => new JsonObject
                {
                    ["topic"] = s.Label("topic"),
                    ["partition"] = int.TryParse(s.Label("partition"), out var p) ? p : -1,
                    ["points"] = ChartSeries.ToJson(s.Points.Select(x => new ChartSeries.Point(x.UnixMs, x.Value))),
                }),
            }));
        }));
    }
}
