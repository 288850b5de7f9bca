using System.Text.Json.Nodes;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Cli.Verbs;

/// <summary>A consumer group as <c>group describe</c> shows it: state, members and, per partition, offsets and lag.</summary>
public sealed record GroupView(
    string GroupId,
    ConsumerGroupState State,
    string? Assignor,
    int? Coordinator,
    IReadOnlyList<MemberDescription> Members,
    IReadOnlyList<GroupView.PartitionLag> Partitions)
{
    /// <summary>One partition the group commits to or is assigned: the lag is log end minus committed offset.</summary>
    public sealed record PartitionLag(string Topic, int Partition, long? Committed, long? LogEnd, string? MemberId, string? Host, string? ClientId)
    {
        /// <summary>Log end offset minus the committed offset, when both are known.</summary>
        public long? Lag => Committed is { } c && LogEnd is { } e ? Math.Max(0, e - c) : null;
    }

    /// <summary>Reads the group's description, committed offsets and the log end offsets of those partitions.</summary>
    public static async Task<GroupView> LoadAsync(IAdminClient admin, TimeSpan timeout, string groupId)
    {
        var description = (await admin.DescribeConsumerGroupsAsync([groupId], new DescribeConsumerGroupsOptions { RequestTimeout = timeout }))
            .ConsumerGroupDescriptions.Single();
        if (description.Error.IsError) throw new CliException($"group {groupId}: {description.Error.Reason} ({description.Error.Code})");
        var committed = await CommittedAsync(admin, timeout, groupId);

        var owners = new Dictionary<TopicPartition, MemberDescription>();
        foreach (var member in description.Members)
        foreach (var partition in member.Assignment?.TopicPartitions ?? [])
            owners[partition] = member;
        var partitions = committed.Keys.Union(owners.Keys).OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition.Value).ToList();
        var ends = await DescribedTopic.ListAsync(admin, timeout, partitions, OffsetSpec.Latest());
        var rows = partitions.Select(p =>
        {
            owners.TryGetValue(p, out var owner);
            return new PartitionLag(p.Topic, p.Partition.Value, committed.TryGetValue(p, out var c) ? c : null,
                ends.TryGetValue(p, out var e) ? e : null, owner?.ConsumerId, owner?.Host, owner?.ClientId);
        }).ToList();
        return new GroupView(groupId, description.State, NullIfEmpty(description.PartitionAssignor), description.Coordinator?.Id, description.Members, rows);
    }

    /// <summary>The group's committed offsets (partitions without one are left out).</summary>
    public static async Task<Dictionary<TopicPartition, long>> CommittedAsync(IAdminClient admin, TimeSpan timeout, string groupId)
    {
        var listed = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(groupId, null)],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = timeout });
        return listed.Single().Partitions
            .Where(p => !p.Error.IsError && p.Offset.Value >= 0)
            .ToDictionary(p => p.TopicPartition, p => p.Offset.Value);
    }

    /// <summary>The group as a JSON object.</summary>
    public JsonObject ToJson() => new()
    {
        ["group"] = GroupId,
        ["state"] = GroupVerbs.StateName(State),
        ["assignor"] = Assignor,
        ["coordinator"] = Coordinator,
        ["members"] = new JsonArray(Members.Select(m => (JsonNode)new JsonObject
        {
            ["member_id"] = m.ConsumerId,
            ["instance_id"] = m.GroupInstanceId,
            ["client_id"] = m.ClientId,
            ["host"] = m.Host,
            ["assignment"] = new JsonArray((m.Assignment?.TopicPartitions ?? []).Select(p => (JsonNode)new JsonObject
            {
                ["topic"] = p.Topic, ["partition"] = p.Partition.Value,
            }).ToArray()),
        }).ToArray()),
        ["offsets"] = new JsonArray(Partitions.Select(p => (JsonNode)new JsonObject
        {
            ["topic"] = p.Topic,
            ["partition"] = p.Partition,
            ["current_offset"] = p.Committed,
            ["log_end_offset"] = p.LogEnd,
            ["lag"] = p.Lag,
            ["member_id"] = p.MemberId,
        }).ToArray()),
        ["total_lag"] = Partitions.Sum(p => p.Lag ?? 0),
    };

    /// <summary>The group as kafka-consumer-groups.sh --describe prints it.</summary>
    public void Render(CliOutput output)
    {
        output.Line($"Group: {GroupId}  State: {GroupVerbs.StateName(State)}  Members: {Members.Count}  Coordinator: {Coordinator?.ToString() ?? "-"}"
                    + (Assignor is not null ? $"  Assignor: {Assignor}" : "") + $"  Total lag: {Partitions.Sum(p => p.Lag ?? 0)}");
        output.Table(["TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"],
            Partitions.Select(p => (IReadOnlyList<string>)[p.Topic, TopicVerbs.Text(p.Partition), Dash(p.Committed), Dash(p.LogEnd), Dash(p.Lag),
                p.MemberId ?? "-", p.Host ?? "-", p.ClientId ?? "-"]));
        output.Line("");
    }

    private static string Dash(long? value) => value is { } v ? TopicVerbs.Text(v) : "-";

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
