using System.Text.Json.Nodes;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Cli.Verbs;

/// <summary>One topic as <c>topic describe</c> shows it: partitions with leader, replicas, ISR and offsets, and its configs.</summary>
public sealed record DescribedTopic(
    string Name,
    string? TopicId,
    bool Internal,
    IReadOnlyList<DescribedTopic.PartitionRow> Partitions,
    IReadOnlyList<ConfigEntryResult> Configs,
    string? Error)
{
    /// <summary>One partition's placement and offsets.</summary>
    public sealed record PartitionRow(int Partition, int? Leader, IReadOnlyList<int> Replicas, IReadOnlyList<int> Isr, long LogStartOffset, long LogEndOffset);

    /// <summary>Describes <paramref name="topics"/> (placement, offsets, configs); a missing topic carries its error instead.</summary>
    public static async Task<IReadOnlyList<DescribedTopic>> DescribeAsync(IAdminClient admin, TimeSpan timeout, IReadOnlyList<string> topics, bool allConfigs)
    {
        List<TopicDescription> descriptions;
        try
        {
            descriptions = (await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames(topics),
                new DescribeTopicsOptions { RequestTimeout = timeout })).TopicDescriptions;
        }
        catch (DescribeTopicsException e)
        {
            descriptions = e.Results.TopicDescriptions;
        }

        var found = descriptions.Where(d => !d.Error.IsError).ToList();
        var offsets = await OffsetsAsync(admin, timeout, found.SelectMany(d => d.Partitions.Select(p => new TopicPartition(d.Name, p.Partition))).ToList());
        var described = new List<DescribedTopic>();
        foreach (var d in descriptions)
        {
            if (d.Error.IsError)
            {
                described.Add(new DescribedTopic(d.Name, null, false, [], [], $"{d.Error.Reason} ({d.Error.Code})"));
                continue;
            }
            var configs = await ConfigChanges.DescribeAsync(admin, timeout, new ConfigResource { Type = ResourceType.Topic, Name = d.Name }, allConfigs, topic: true);
            var partitions = d.Partitions.OrderBy(p => p.Partition).Select(p =>
            {
                var (start, end) = offsets.GetValueOrDefault(new TopicPartition(d.Name, p.Partition), (-1, -1));
                return new PartitionRow(p.Partition, p.Leader?.Id, p.Replicas.Select(r => r.Id).ToList(), p.ISR.Select(r => r.Id).ToList(), start, end);
            }).ToList();
            described.Add(new DescribedTopic(d.Name, KafkaUuid(d.TopicId.ToString()), d.IsInternal, partitions, configs, null));
        }
        return described;
    }

    /// <summary>Log start and end offsets of <paramref name="partitions"/> (ListOffsets earliest and latest).</summary>
    public static async Task<Dictionary<TopicPartition, (long Start, long End)>> OffsetsAsync(IAdminClient admin, TimeSpan timeout, IReadOnlyList<TopicPartition> partitions)
    {
        var result = new Dictionary<TopicPartition, (long, long)>();
        if (partitions.Count == 0) return result;
        var earliest = await ListAsync(admin, timeout, partitions, OffsetSpec.Earliest());
        var latest = await ListAsync(admin, timeout, partitions, OffsetSpec.Latest());
        foreach (var partition in partitions)
            result[partition] = (earliest.GetValueOrDefault(partition, -1), latest.GetValueOrDefault(partition, -1));
        return result;
    }

    /// <summary>ListOffsets for <paramref name="spec"/>; partitions whose answer is an error are left out.</summary>
    public static async Task<Dictionary<TopicPartition, long>> ListAsync(IAdminClient admin, TimeSpan timeout, IReadOnlyList<TopicPartition> partitions, OffsetSpec spec)
    {
        List<ListOffsetsResultInfo> infos;
        try
        {
            infos = (await admin.ListOffsetsAsync(partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p, OffsetSpec = spec }),
                new ListOffsetsOptions { RequestTimeout = timeout })).ResultInfos;
        }
        catch (ListOffsetsException e)
        {
            infos = e.Result.ResultInfos;
        }
        return infos.Where(i => !i.TopicPartitionOffsetError.Error.IsError)
            .ToDictionary(i => i.TopicPartitionOffsetError.TopicPartition, i => i.TopicPartitionOffsetError.Offset.Value);
    }

    // Kafka prints topic ids in URL-safe base64 without padding (as kafka-topics.sh shows them); Confluent's ToString does not.
    private static string KafkaUuid(string base64) => base64.Replace('+', '-').Replace('/', '_').TrimEnd('=');

    /// <summary>The topic as a JSON object.</summary>
    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["topic_id"] = TopicId,
        ["internal"] = Internal,
        ["error"] = Error,
        ["partitions"] = new JsonArray(Partitions.Select(p => (JsonNode)new JsonObject
        {
            ["partition"] = p.Partition,
            ["leader"] = p.Leader,
            ["replicas"] = new JsonArray(p.Replicas.Select(r => (JsonNode)r).ToArray()),
            ["isr"] = new JsonArray(p.Isr.Select(r => (JsonNode)r).ToArray()),
            ["log_start_offset"] = p.LogStartOffset,
            ["log_end_offset"] = p.LogEndOffset,
        }).ToArray()),
        ["configs"] = ConfigChanges.ToJson(Configs),
    };

    /// <summary>The topic as a summary line, a partition table and a config table.</summary>
    public void Render(CliOutput output)
    {
        if (Error is not null) return;
        var factor = Partitions.Count == 0 ? 0 : Partitions.Max(p => p.Replicas.Count);
        output.Line($"Topic: {Name}  TopicId: {TopicId}  PartitionCount: {Partitions.Count}  ReplicationFactor: {factor}{(Internal ? "  Internal: true" : "")}");
        output.Table(["PARTITION", "LEADER", "REPLICAS", "ISR", "LOG-START-OFFSET", "LOG-END-OFFSET"],
            Partitions.Select(p => (IReadOnlyList<string>)[TopicVerbs.Text(p.Partition), p.Leader is { } l ? TopicVerbs.Text(l) : "none",
                string.Join(',', p.Replicas), string.Join(',', p.Isr), TopicVerbs.Text(p.LogStartOffset), TopicVerbs.Text(p.LogEndOffset)]));
        if (Configs.Count > 0) output.Table(["CONFIG", "VALUE", "SOURCE"], ConfigChanges.Rows(Configs));
        output.Line("");
    }
}
