using System.CommandLine;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Cli.Verbs;

/// <summary><c>brook group list|describe|delete|reset-offsets</c>: what kafka-consumer-groups.sh does.</summary>
public static class GroupVerbs
{
    /// <summary>The <c>group</c> command and its verbs.</summary>
    public static Command Build(GlobalOptions global)
    {
        var group = new Command("group", "List, describe (members, offsets, lag), delete consumer groups and reset their offsets");
        group.Add(List(global));
        group.Add(Describe(global));
        group.Add(Delete(global));
        group.Add(GroupOffsetReset.Build(global));
        return group;
    }

    private static Command List(GlobalOptions global)
    {
        var command = new Command("list", "List consumer groups with their state and protocol type");
        global.Handle(command, async (_, cli, _) =>
        {
            using var admin = cli.Admin();
            var listed = await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { RequestTimeout = cli.Timeout });
            var groups = listed.Valid.OrderBy(g => g.GroupId, StringComparer.Ordinal).ToList();
            if (cli.Output.Json)
            {
                cli.Output.Document(new JsonArray(groups.Select(g => (JsonNode)new JsonObject
                {
                    ["group"] = g.GroupId,
                    ["state"] = StateName(g.State),
                    ["type"] = g.Type.ToString().ToLowerInvariant(),
                    ["simple"] = g.IsSimpleConsumerGroup,
                }).ToArray()));
            }
            else
            {
                cli.Output.Table(["GROUP", "STATE", "TYPE"], groups.Select(g => (IReadOnlyList<string>)[g.GroupId, StateName(g.State), g.Type.ToString().ToLowerInvariant()]));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Describe(GlobalOptions global)
    {
        var names = new Argument<string[]>("group") { Description = "Group id(s)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("describe", "Show a group's state, members and, per partition, committed offset, log end offset and lag") { names };
        global.Handle(command, async (result, cli, _) =>
        {
            using var admin = cli.Admin();
            var described = new List<GroupView>();
            foreach (var group in result.GetRequiredValue(names)) described.Add(await GroupView.LoadAsync(admin, cli.Timeout, group));
            if (cli.Output.Json)
            {
                cli.Output.Document(new JsonArray(described.Select(d => (JsonNode)d.ToJson()).ToArray()));
            }
            else
            {
                foreach (var view in described) view.Render(cli.Output);
            }
            var missing = described.Where(d => d.State == ConsumerGroupState.Dead).ToList();
            foreach (var view in missing) cli.Output.Error.WriteLine($"brook: consumer group '{view.GroupId}' does not exist");
            return missing.Count > 0 ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete(GlobalOptions global)
    {
        var names = new Argument<string[]>("group") { Description = "Group id(s)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("delete", "Delete inactive consumer groups and their committed offsets") { names };
        global.Handle(command, async (result, cli, _) =>
        {
            var groups = result.GetRequiredValue(names);
            using var admin = cli.Admin();
            List<DeleteGroupReport> reports;
            try
            {
                await admin.DeleteGroupsAsync(groups, new DeleteGroupsOptions { RequestTimeout = cli.Timeout });
                reports = groups.Select(g => new DeleteGroupReport { Group = g, Error = new Error(ErrorCode.NoError) }).ToList();
            }
            catch (DeleteGroupsException e)
            {
                reports = e.Results;
            }
            if (cli.Output.Json)
            {
                cli.Output.Document(new JsonArray(reports.Select(r => (JsonNode)new JsonObject
                {
                    ["group"] = r.Group, ["deleted"] = !r.Error.IsError, ["error"] = TopicVerbs.ErrorText(r.Error),
                }).ToArray()));
            }
            foreach (var report in reports)
            {
                if (!report.Error.IsError && !cli.Output.Json) cli.Output.Line($"Deleted consumer group {report.Group}.");
                if (report.Error.IsError) cli.Output.Error.WriteLine($"brook: group {report.Group}: {report.Error.Reason} ({report.Error.Code})");
            }
            return reports.Any(r => r.Error.IsError) ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Kafka's state names (Stable, PreparingRebalance, Empty, ...), as the tools print them.</summary>
    public static string StateName(ConsumerGroupState state) => state switch
    {
        ConsumerGroupState.PreparingRebalance => "PreparingRebalance",
        ConsumerGroupState.CompletingRebalance => "CompletingRebalance",
        ConsumerGroupState.Stable => "Stable",
        ConsumerGroupState.Dead => "Dead",
        ConsumerGroupState.Empty => "Empty",
        _ => "Unknown",
    };
}
