using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Cli.Verbs;

/// <summary><c>brook cluster info|brokers|config</c>: the cluster id, controller and brokers, partition health, and broker configs.</summary>
public static class ClusterVerbs
{
    /// <summary>The <c>cluster</c> command and its verbs.</summary>
    public static Command Build(GlobalOptions global)
    {
        var cluster = new Command("cluster", "Show the cluster, its brokers and their configs");
        cluster.Add(Info(global));
        cluster.Add(Brokers(global));
        cluster.Add(Config(global));
        return cluster;
    }

    private static Command Info(GlobalOptions global)
    {
        var command = new Command("info", "Cluster id, controller, broker count, topic and partition counts, under-replicated and offline partitions");
        global.Handle(command, async (_, cli, _) =>
        {
            using var admin = cli.Admin();
            var cluster = await admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = cli.Timeout });
            var metadata = admin.GetMetadata(cli.Timeout);
            var partitions = metadata.Topics.SelectMany(t => t.Partitions).ToList();
            var underReplicated = partitions.Count(p => p.InSyncReplicas.Length < p.Replicas.Length);
            var offline = partitions.Count(p => p.Leader < 0);
            if (cli.Output.Json)
            {
                cli.Output.Document(new JsonObject
                {
                    ["cluster_id"] = cluster.ClusterId,
                    ["controller"] = cluster.Controller?.Id,
                    ["brokers"] = cluster.Nodes.Count,
                    ["topics"] = metadata.Topics.Count,
                    ["partitions"] = partitions.Count,
                    ["under_replicated_partitions"] = underReplicated,
                    ["offline_partitions"] = offline,
                });
            }
            else
            {
                cli.Output.Table(["PROPERTY", "VALUE"],
                [
                    ["Cluster id", cluster.ClusterId ?? "-"],
                    ["Controller", cluster.Controller is { } c ? Text(c.Id) : "-"],
                    ["Brokers", Text(cluster.Nodes.Count)],
                    ["Topics", Text(metadata.Topics.Count)],
                    ["Partitions", Text(partitions.Count)],
                    ["Under-replicated partitions", Text(underReplicated)],
                    ["Offline partitions", Text(offline)],
                ]);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Brokers(GlobalOptions global)
    {
        var command = new Command("brokers", "List the brokers: id, host, port, rack, which one is the controller, partitions led");
        global.Handle(command, async (_, cli, _) =>
        {
            using var admin = cli.Admin();
            var cluster = await admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = cli.Timeout });
            var metadata = admin.GetMetadata(cli.Timeout);
            var led = metadata.Topics.SelectMany(t => t.Partitions).GroupBy(p => p.Leader).ToDictionary(g => g.Key, g => g.Count());
            var nodes = cluster.Nodes.OrderBy(n => n.Id).ToList();
            var controller = cluster.Controller?.Id;
            if (cli.Output.Json)
            {
                cli.Output.Document(new JsonArray(nodes.Select(n => (JsonNode)new JsonObject
                {
                    ["id"] = n.Id, ["host"] = n.Host, ["port"] = n.Port, ["rack"] = n.Rack, ["controller"] = n.Id == controller, ["leaders"] = led.GetValueOrDefault(n.Id),
                }).ToArray()));
            }
            else
            {
                cli.Output.Table(["ID", "HOST", "PORT", "RACK", "CONTROLLER", "LEADERS"], nodes.Select(n => (IReadOnlyList<string>)
                    [Text(n.Id), n.Host, Text(n.Port), n.Rack ?? "-", n.Id == controller ? "yes" : "", Text(led.GetValueOrDefault(n.Id))]));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Config(GlobalOptions global)
    {
        var broker = new Option<int?>("--broker") { Description = "Broker id (default: the controller; required with --set/--delete)" };
        var all = new Option<bool>("--all") { Description = "Show every config, not only those set explicitly" };
        var set = new Option<string[]>("--set", "-s") { Description = "Set a dynamic broker config key=value; repeatable" };
        var delete = new Option<string[]>("--delete", "-d") { Description = "Remove a dynamic broker config; repeatable" };
        var command = new Command("config", "Show a broker's configs, or change dynamic broker configs (--set, --delete)") { broker, all, set, delete };
        global.Handle(command, async (result, cli, _) =>
        {
            var sets = KeyValue.ParseAll(result.GetValue(set), "--set");
            var deletes = result.GetValue(delete) ?? [];
            var id = result.GetValue(broker);
            if (sets.Count > 0 || deletes.Length > 0)
            {
                // Kafka's cluster-wide default is the broker resource named "", which librdkafka refuses to send.
                if (id is not { } n) throw CliException.Usage("--set and --delete need --broker ID (the cluster-wide default cannot be addressed through librdkafka)");
                var name = Text(n);
                await ConfigChanges.ApplyAsync(cli, new ConfigResource { Type = ResourceType.Broker, Name = name }, sets, deletes);
                var target = $"broker {name}";
                if (cli.Output.Json) cli.Output.Document(new JsonObject { ["broker"] = id, ["set"] = ConfigChanges.ToJson(sets), ["deleted"] = new JsonArray(deletes.Select(d => (JsonNode)d).ToArray()) });
                else cli.Output.Line($"Updated {target}: {ConfigChanges.Describe(sets, deletes)}.");
                return ExitCodes.Ok;
            }
            using var admin = cli.Admin();
            if (id is null)
            {
                var cluster = await admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = cli.Timeout });
                id = cluster.Controller?.Id ?? cluster.Nodes.Select(n => n.Id).DefaultIfEmpty(-1).Min();
            }
            var entries = await ConfigChanges.DescribeAsync(admin, cli.Timeout, new ConfigResource { Type = ResourceType.Broker, Name = Text(id.Value) }, result.GetValue(all), topic: false);
            if (cli.Output.Json) cli.Output.Document(new JsonObject { ["broker"] = id, ["configs"] = ConfigChanges.ToJson(entries) });
            else
            {
                cli.Output.Line($"Configs of broker {id}{(result.GetValue(all) ? "" : " set explicitly (--all for every config)")}:");
                cli.Output.Table(["CONFIG", "VALUE", "SOURCE"], ConfigChanges.Rows(entries));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
