using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Cli.Verbs;

/// <summary><c>brook topic create|list|describe|delete|alter-config|add-partitions</c>: what kafka-topics.sh and kafka-configs.sh do for topics.</summary>
public static class TopicVerbs
{
    /// <summary>The <c>topic</c> command and its verbs.</summary>
    public static Command Build(GlobalOptions global)
    {
        var topic = new Command("topic", "Create, list, describe, change and delete topics");
        topic.Add(List(global));
        topic.Add(Create(global));
        topic.Add(Describe(global));
        topic.Add(Delete(global));
        topic.Add(AlterConfig(global));
        topic.Add(AddPartitions(global));
        return topic;
    }

    private static Command List(GlobalOptions global)
    {
        var excludeInternal = new Option<bool>("--exclude-internal") { Description = "Leave out internal topics (__consumer_offsets, ...)" };
        var command = new Command("list", "List topics with their partition count and replication factor") { excludeInternal };
        global.Handle(command, (result, cli, _) =>
        {
            using var admin = cli.Admin();
            var metadata = admin.GetMetadata(cli.Timeout);
            var topics = metadata.Topics
                .Where(t => !(result.GetValue(excludeInternal) && t.Topic.StartsWith("__", StringComparison.Ordinal)))
                .OrderBy(t => t.Topic, StringComparer.Ordinal)
                .ToList();
            if (cli.Output.Json)
            {
                cli.Output.Document(new JsonArray(topics.Select(t => (JsonNode)new JsonObject
                {
                    ["name"] = t.Topic,
                    ["partitions"] = t.Partitions.Count,
                    ["replication_factor"] = ReplicationFactor(t),
                    ["internal"] = t.Topic.StartsWith("__", StringComparison.Ordinal),
                }).ToArray()));
            }
            else
            {
                cli.Output.Table(["NAME", "PARTITIONS", "REPLICAS"],
                    topics.Select(t => (IReadOnlyList<string>)[t.Topic, Text(t.Partitions.Count), Text(ReplicationFactor(t))]));
            }
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Create(GlobalOptions global)
    {
        var names = new Argument<string[]>("name") { Description = "Topic name(s)", Arity = ArgumentArity.OneOrMore };
        var partitions = new Option<int>("--partitions", "-p") { Description = "Partition count (default: the broker's num.partitions)", DefaultValueFactory = _ => -1 };
        var replicas = new Option<short>("--replication-factor", "-r") { Description = "Replicas per partition (default: the broker's default.replication.factor)", DefaultValueFactory = _ => -1 };
        var configs = new Option<string[]>("--config", "-c") { Description = "A topic config key=value (retention.ms, cleanup.policy, ...); repeatable" };
        var ifNotExists = new Option<bool>("--if-not-exists") { Description = "Succeed when the topic exists already" };
        var command = new Command("create", "Create topics") { names, partitions, replicas, configs, ifNotExists };
        global.Handle(command, async (result, cli, _) =>
        {
            var count = result.GetValue(partitions);
            var factor = result.GetValue(replicas);
            if (count is 0 or < -1) throw CliException.Usage("--partitions must be at least 1");
            if (factor is 0 or < -1) throw CliException.Usage("--replication-factor must be at least 1");
            var topicConfigs = KeyValue.ParseAll(result.GetValue(configs), "--config");
            var specifications = result.GetRequiredValue(names).Select(n => new TopicSpecification
            {
                Name = n, NumPartitions = count, ReplicationFactor = factor, Configs = topicConfigs,
            }).ToList();
            using var admin = cli.Admin();
            List<CreateTopicReport> reports;
            try
            {
                await admin.CreateTopicsAsync(specifications, new CreateTopicsOptions { RequestTimeout = cli.Timeout, OperationTimeout = cli.Timeout });
                reports = specifications.Select(s => new CreateTopicReport { Topic = s.Name, Error = new Error(ErrorCode.NoError) }).ToList();
            }
            catch (CreateTopicsException e)
            {
                reports = e.Results;
            }
            var tolerated = result.GetValue(ifNotExists);
            return Report(cli, reports.Select(r => (r.Topic, r.Error, tolerated && r.Error.Code == ErrorCode.TopicAlreadyExists)), "Created", "created");
        });
        return command;
    }

    private static Command Delete(GlobalOptions global)
    {
        var names = new Argument<string[]>("name") { Description = "Topic name(s)", Arity = ArgumentArity.OneOrMore };
        var ifExists = new Option<bool>("--if-exists") { Description = "Succeed when the topic does not exist" };
        var command = new Command("delete", "Delete topics and all their records") { names, ifExists };
        global.Handle(command, async (result, cli, _) =>
        {
            var topics = result.GetRequiredValue(names);
            using var admin = cli.Admin();
            List<DeleteTopicReport> reports;
            try
            {
                await admin.DeleteTopicsAsync(topics, new DeleteTopicsOptions { RequestTimeout = cli.Timeout, OperationTimeout = cli.Timeout });
                reports = topics.Select(t => new DeleteTopicReport { Topic = t, Error = new Error(ErrorCode.NoError) }).ToList();
            }
            catch (DeleteTopicsException e)
            {
                reports = e.Results;
            }
            var tolerated = result.GetValue(ifExists);
            return Report(cli, reports.Select(r => (r.Topic, r.Error, tolerated && r.Error.Code == ErrorCode.UnknownTopicOrPart)), "Deleted", "deleted");
        });
        return command;
    }

    private static Command AddPartitions(GlobalOptions global)
    {
        var name = new Argument<string>("name") { Description = "Topic name" };
        var total = new Option<int>("--total", "--partitions") { Description = "The partition count to grow the topic to", Required = true };
        var command = new Command("add-partitions", "Grow a topic to more partitions (keyed records may then map to other partitions)") { name, total };
        global.Handle(command, async (result, cli, _) =>
        {
            var topic = result.GetRequiredValue(name);
            var target = result.GetValue(total);
            if (target < 1) throw CliException.Usage("--total must be at least 1");
            using var admin = cli.Admin();
            Error error;
            try
            {
                await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = target }],
                    new CreatePartitionsOptions { RequestTimeout = cli.Timeout, OperationTimeout = cli.Timeout });
                error = new Error(ErrorCode.NoError);
            }
            catch (CreatePartitionsException e)
            {
                error = e.Results.Single().Error;
            }
            if (cli.Output.Json)
                cli.Output.Document(new JsonObject { ["name"] = topic, ["partitions"] = target, ["error"] = ErrorText(error) });
            else if (!error.IsError)
                cli.Output.Line($"Topic {topic} now has {target} partitions.");
            if (!error.IsError) return ExitCodes.Ok;
            cli.Output.Error.WriteLine($"brook: topic {topic}: {error.Reason} ({error.Code})");
            return ExitCodes.Failed;
        });
        return command;
    }

    private static Command AlterConfig(GlobalOptions global)
    {
        var name = new Argument<string>("name") { Description = "Topic name" };
        var set = new Option<string[]>("--set", "-s") { Description = "Set a topic config key=value; repeatable" };
        var delete = new Option<string[]>("--delete", "-d") { Description = "Remove a topic config override (back to the broker default); repeatable" };
        var command = new Command("alter-config", "Change a topic's configs (incrementally: other overrides stay)") { name, set, delete };
        global.Handle(command, async (result, cli, _) =>
        {
            var topic = result.GetRequiredValue(name);
            var sets = KeyValue.ParseAll(result.GetValue(set), "--set");
            var deletes = result.GetValue(delete) ?? [];
            if (sets.Count == 0 && deletes.Length == 0) throw CliException.Usage("give at least one --set key=value or --delete key");
            await ConfigChanges.ApplyAsync(cli, new ConfigResource { Type = ResourceType.Topic, Name = topic }, sets, deletes);
            if (cli.Output.Json)
                cli.Output.Document(new JsonObject { ["name"] = topic, ["set"] = ConfigChanges.ToJson(sets), ["deleted"] = new JsonArray(deletes.Select(d => (JsonNode)d).ToArray()) });
            else
                cli.Output.Line($"Updated the configs of topic {topic}: {ConfigChanges.Describe(sets, deletes)}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Describe(GlobalOptions global)
    {
        var names = new Argument<string[]>("name") { Description = "Topic name(s)", Arity = ArgumentArity.OneOrMore };
        var allConfigs = new Option<bool>("--all-configs") { Description = "Show every config, not only the topic's overrides" };
        var command = new Command("describe", "Show partitions (leader, replicas, ISR, offsets) and configs") { names, allConfigs };
        global.Handle(command, async (result, cli, _) =>
        {
            var topics = result.GetRequiredValue(names);
            using var admin = cli.Admin();
            var described = await DescribedTopic.DescribeAsync(admin, cli.Timeout, topics, result.GetValue(allConfigs));
            if (cli.Output.Json)
            {
                cli.Output.Document(new JsonArray(described.Select(d => (JsonNode)d.ToJson()).ToArray()));
            }
            else
            {
                foreach (var topic in described) topic.Render(cli.Output);
            }
            foreach (var missing in described.Where(d => d.Error is not null))
                cli.Output.Error.WriteLine($"brook: topic {missing.Name}: {missing.Error}");
            return described.Any(d => d.Error is not null) ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Prints per-topic outcomes; any error not tolerated makes the exit code <see cref="ExitCodes.Failed"/>.</summary>
    private static int Report(CliContext cli, IEnumerable<(string Topic, Error Error, bool Tolerated)> reports, string verb, string jsonVerb)
    {
        var list = reports.ToList();
        if (cli.Output.Json)
        {
            cli.Output.Document(new JsonArray(list.Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Topic,
                [jsonVerb] = !r.Error.IsError,
                ["error"] = ErrorText(r.Error),
            }).ToArray()));
        }
        foreach (var (topic, error, tolerated) in list)
        {
            if (!error.IsError && !cli.Output.Json) cli.Output.Line($"{verb} topic {topic}.");
            else if (error.IsError && tolerated && !cli.Output.Json) cli.Output.Line($"Topic {topic}: {error.Reason}; nothing to do.");
            else if (error.IsError && !tolerated) cli.Output.Error.WriteLine($"brook: topic {topic}: {error.Reason} ({error.Code})");
        }
        return list.Any(r => r.Error.IsError && !r.Tolerated) ? ExitCodes.Failed : ExitCodes.Ok;
    }

    internal static JsonNode? ErrorText(Error error) => error.IsError ? error.Code.ToString() : null;

    private static int ReplicationFactor(TopicMetadata topic) => topic.Partitions.Count == 0 ? 0 : topic.Partitions.Max(p => p.Replicas.Length);

    internal static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
