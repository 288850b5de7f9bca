using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Cli.Verbs;

/// <summary>
/// <c>brook group reset-offsets</c>: kafka-consumer-groups.sh --reset-offsets. A plan is printed (dry run) unless
/// <c>--execute</c> is given; the group must be inactive (Empty or unknown), as Kafka requires.
/// </summary>
public static class GroupOffsetReset
{
    /// <summary>The <c>reset-offsets</c> verb.</summary>
    public static Command Build(GlobalOptions global)
    {
        var group = new Argument<string>("group") { Description = "Group id" };
        var topics = new Option<string[]>("--topic", "-t") { Description = "Topic to reset, or topic:0,1,2 for some partitions; repeatable" };
        var allTopics = new Option<bool>("--all-topics") { Description = "Every topic the group has committed offsets for" };
        var toEarliest = new Option<bool>("--to-earliest") { Description = "Reset to the log start offset" };
        var toLatest = new Option<bool>("--to-latest") { Description = "Reset to the log end offset" };
        var toCurrent = new Option<bool>("--to-current") { Description = "Reset to the committed offset (log end where none)" };
        var toOffset = new Option<long?>("--to-offset") { Description = "Reset to this offset (kept inside the log)" };
        var shiftBy = new Option<long?>("--shift-by") { Description = "Move the committed offset by N (negative: back)" };
        var toDatetime = new Option<string?>("--to-datetime") { Description = "Reset to the first record at or after this time (ISO 8601, or epoch ms)" };
        var byDuration = new Option<string?>("--by-duration") { Description = "Reset to the first record at or after now minus this duration (PT15M, 2h, 1d)" };
        var execute = new Option<bool>("--execute") { Description = "Apply the plan (without it the plan is only printed)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only print the plan (the default)" };
        var command = new Command("reset-offsets", "Move an inactive group's committed offsets, as kafka-consumer-groups.sh --reset-offsets")
        {
            group, topics, allTopics, toEarliest, toLatest, toCurrent, toOffset, shiftBy, toDatetime, byDuration, execute, dryRun,
        };
        global.Handle(command, async (result, cli, _) =>
        {
            var groupId = result.GetRequiredValue(group);
            var strategies = new List<OffsetResetStrategy>();
            if (result.GetValue(toEarliest)) strategies.Add(new OffsetResetStrategy.ToEarliest());
            if (result.GetValue(toLatest)) strategies.Add(new OffsetResetStrategy.ToLatest());
            if (result.GetValue(toCurrent)) strategies.Add(new OffsetResetStrategy.ToCurrent());
            if (result.GetValue(toOffset) is { } offset) strategies.Add(new OffsetResetStrategy.ToOffset(offset));
            if (result.GetValue(shiftBy) is { } shift) strategies.Add(new OffsetResetStrategy.ShiftBy(shift));
            if (result.GetValue(toDatetime) is { } at) strategies.Add(new OffsetResetStrategy.ToTimestamp(OffsetResetPlanner.ParseDateTime(at, "--to-datetime")));
            if (result.GetValue(byDuration) is { } ago)
                strategies.Add(new OffsetResetStrategy.ToTimestamp(DateTimeOffset.UtcNow - OffsetResetPlanner.ParseDuration(ago, "--by-duration")));
            if (strategies.Count != 1)
                throw CliException.Usage("give exactly one of --to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime, --by-duration");
            var topicSpecs = result.GetValue(topics) ?? [];
            if (topicSpecs.Length > 0 == result.GetValue(allTopics)) throw CliException.Usage("give --topic (one or more) or --all-topics");
            if (result.GetValue(execute) && result.GetValue(dryRun)) throw CliException.Usage("--execute and --dry-run exclude each other");
            var apply = result.GetValue(execute);

            using var admin = cli.Admin();
            var description = (await admin.DescribeConsumerGroupsAsync([groupId], new DescribeConsumerGroupsOptions { RequestTimeout = cli.Timeout }))
                .ConsumerGroupDescriptions.Single();
            if (description.State is not (ConsumerGroupState.Empty or ConsumerGroupState.Dead))
                throw new CliException($"assignments can only be reset if the group '{groupId}' is inactive, but the current state is {GroupVerbs.StateName(description.State)}");

            var committed = await GroupView.CommittedAsync(admin, cli.Timeout, groupId);
            var partitions = topicSpecs.Length > 0 ? Partitions(admin, cli, topicSpecs) : committed.Keys.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition.Value).ToList();
            if (partitions.Count == 0) throw new CliException($"group '{groupId}' has no committed offsets to reset; name the topics with --topic");
            var strategy = strategies[0];
            var bounds = await DescribedTopic.OffsetsAsync(admin, cli.Timeout, partitions);
            var forTime = strategy is OffsetResetStrategy.ToTimestamp t
                ? await DescribedTopic.ListAsync(admin, cli.Timeout, partitions, OffsetSpec.ForTimestamp(t.Time.ToUnixTimeMilliseconds()))
                : [];
            var plan = partitions.Select(p =>
            {
                var (start, end) = bounds.GetValueOrDefault(p, (-1, -1));
                if (start < 0 || end < 0) throw new CliException($"cannot read the offsets of {p.Topic}-{p.Partition.Value}: unknown topic or partition, or its leader is unavailable");
                var state = new PartitionOffsetState(start, end, committed.TryGetValue(p, out var c) ? c : null, forTime.TryGetValue(p, out var f) ? f : null);
                return (Partition: p, Previous: state.Committed, New: OffsetResetPlanner.Plan(strategy, state, $"{p.Topic}-{p.Partition.Value}"));
            }).ToList();

            if (apply)
            {
                var offsets = plan.Select(r => new TopicPartitionOffset(r.Partition, new Offset(r.New))).ToList();
                try
                {
                    await admin.AlterConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitionOffsets(groupId, offsets)],
                        new AlterConsumerGroupOffsetsOptions { RequestTimeout = cli.Timeout });
                }
                catch (AlterConsumerGroupOffsetsException e)
                {
                    var error = e.Results.SelectMany(r => r.Partitions).Select(p => p.Error).FirstOrDefault(x => x.IsError) ?? e.Error;
                    throw new CliException($"group {groupId}: {error.Reason} ({error.Code})");
                }
            }

            if (cli.Output.Json)
            {
                cli.Output.Document(new JsonObject
                {
                    ["group"] = groupId,
                    ["executed"] = apply,
                    ["partitions"] = new JsonArray(plan.Select(r => (JsonNode)new JsonObject
                    {
                        ["topic"] = r.Partition.Topic, ["partition"] = r.Partition.Partition.Value, ["previous_offset"] = r.Previous, ["new_offset"] = r.New,
                    }).ToArray()),
                });
            }
            else
            {
                cli.Output.Table(["GROUP", "TOPIC", "PARTITION", "PREVIOUS-OFFSET", "NEW-OFFSET"],
                    plan.Select(r => (IReadOnlyList<string>)[groupId, r.Partition.Topic, TopicVerbs.Text(r.Partition.Partition.Value),
                        r.Previous is { } prev ? TopicVerbs.Text(prev) : "-", TopicVerbs.Text(r.New)]));
                cli.Output.Line(apply ? $"Committed the new offsets of group {groupId}." : "Dry run: nothing was changed; pass --execute to commit these offsets.");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    // "topic" means every partition (from metadata); "topic:0,2" only those.
    private static List<TopicPartition> Partitions(IAdminClient admin, CliContext cli, IEnumerable<string> specs)
    {
        var result = new List<TopicPartition>();
        foreach (var spec in specs)
        {
            var colon = spec.LastIndexOf(':');
            if (colon < 0)
            {
                var metadata = admin.GetMetadata(spec, cli.Timeout).Topics.Single();
                if (metadata.Error.IsError) throw new CliException($"topic {spec}: {metadata.Error.Reason} ({metadata.Error.Code})");
                result.AddRange(metadata.Partitions.OrderBy(p => p.PartitionId).Select(p => new TopicPartition(spec, p.PartitionId)));
                continue;
            }
            var topic = spec[..colon];
            foreach (var item in spec[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
                    throw CliException.Usage($"--topic {spec}: '{item}' is not a partition number");
                result.Add(new TopicPartition(topic, partition));
            }
        }
        return result.Distinct().ToList();
    }
}
