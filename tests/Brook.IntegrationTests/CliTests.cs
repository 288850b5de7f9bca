using System.Text;
using System.Text.Json.Nodes;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;

namespace Brook.IntegrationTests;

/// <summary>
/// The real <c>brook</c> CLI binary against a real broker: topic create/list/describe/alter-config/add-partitions/delete,
/// produce from stdin and consume as JSON, a group's lag and reset-offsets (dry run changes nothing, --execute commits),
/// and the exit codes scripts rely on (0 ok, 1 refused, 2 usage, 3 unreachable). Records the CLI writes are read back
/// with Confluent.Kafka and records Confluent.Kafka writes are read with the CLI, so neither side checks only itself.
/// </summary>
[Trait("Category", "Broker")]
public sealed class CliTests(DefaultBrokerFixture fixture) : IClassFixture<DefaultBrokerFixture>, IDisposable
{
    private readonly string _profiles = Directory.CreateTempSubdirectory("brook-cli-profiles-").FullName;

    public void Dispose() => Directory.Delete(_profiles, recursive: true);

    [Fact]
    public async Task Topic_verbs_create_describe_alter_grow_and_delete_a_topic()
    {
        var topic = KafkaTestClient.UniqueTopic("cli-topic");
        await Ok("topic", "create", topic, "--partitions", "2", "--config", "retention.ms=3600000");
        var again = await Run("topic", "create", topic, "--partitions", "2");
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Contains("already exists", again.StandardError, StringComparison.OrdinalIgnoreCase);
        await Ok("topic", "create", topic, "--if-not-exists");

        var listed = JsonNode.Parse((await Ok("--json", "topic", "list")).StandardOutput)!.AsArray();
        var entry = listed.Single(t => (string?)t!["name"] == topic)!;
        Assert.Equal(2, (int)entry["partitions"]!);
        Assert.Equal(1, (int)entry["replication_factor"]!);

        await Ok("topic", "alter-config", topic, "--set", "retention.ms=7200000", "--set", "cleanup.policy=compact");
        await Ok("topic", "add-partitions", topic, "--total", "4");
        var described = JsonNode.Parse((await Ok("--json", "topic", "describe", topic)).StandardOutput)!.AsArray().Single()!;
        Assert.Equal(4, described["partitions"]!.AsArray().Count);
        Assert.Equal("7200000", (string?)described["configs"]!["retention.ms"]!["value"]);
        Assert.Equal("DYNAMIC_TOPIC_CONFIG", (string?)described["configs"]!["retention.ms"]!["source"]);
        Assert.Equal("compact", (string?)described["configs"]!["cleanup.policy"]!["value"]);

        await Ok("topic", "alter-config", topic, "--delete", "cleanup.policy");
        described = JsonNode.Parse((await Ok("--json", "topic", "describe", topic)).StandardOutput)!.AsArray().Single()!;
        Assert.Null(described["configs"]!["cleanup.policy"]);
        described = JsonNode.Parse((await Ok("--json", "topic", "describe", topic, "--all-configs")).StandardOutput)!.AsArray().Single()!;
        Assert.Equal("delete", (string?)described["configs"]!["cleanup.policy"]!["value"]);

        await Ok("topic", "delete", topic);
        using var admin = KafkaTestClient.CreateAdmin(fixture.BootstrapServers);
        await Eventually.HoldsAsync(() => Task.FromResult(!KafkaTestClient.TopicListed(admin, topic)), "the deleted topic is still listed",
            TimeSpan.FromSeconds(15));
        var missing = await Run("topic", "delete", topic);
        Assert.True(missing.ExitCode == 1, missing.ToString());
    }

    [Fact]
    public async Task Produce_reads_keyed_lines_from_stdin_and_consume_prints_what_a_real_producer_wrote_as_json()
    {
        var topic = KafkaTestClient.UniqueTopic("cli-records");
        await KafkaTestClient.CreateTopicAsync(fixture.BootstrapServers, topic, 1);
        var lines = string.Concat(Enumerable.Range(0, 5).Select(i => $"key-{i}:value {i}\n"));
        await Ok(["produce", topic, "--key-delimiter", ":", "--header", "source=cli"], lines);

        var read = KafkaTestClient.ConsumeExactly(fixture.BootstrapServers, [new TopicPartition(topic, 0)], 5);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"key-{i}"), read.Select(r => Encoding.UTF8.GetString(r.Message.Key!)));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"value {i}"), read.Select(r => Encoding.UTF8.GetString(r.Message.Value!)));
        Assert.All(read, r => Assert.Equal("cli", Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("source"))));

        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(fixture.BootstrapServers)))
        {
            var headers = new Headers { { "trace", "t-1"u8.ToArray() } };
            await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = "k-real"u8.ToArray(), Value = [0xff, 0x00, 0x41], Headers = headers });
        }

        var consumed = await Ok("consume", topic, "--from", "earliest", "--count", "6", "--format", "json", "--encoding", "Base64");
        var records = consumed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(6, records.Count);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), records.Select(r => (long)r["offset"]!));
        Assert.Equal("value 0", Encoding.UTF8.GetString(Convert.FromBase64String((string)records[0]["value"]!)));
        var last = records[5];
        Assert.Equal("k-real", Encoding.UTF8.GetString(Convert.FromBase64String((string)last["key"]!)));
        Assert.Equal(new byte[] { 0xff, 0x00, 0x41 }, Convert.FromBase64String((string)last["value"]!));
        var header = last["headers"]!.AsArray().Single()!;
        Assert.Equal("trace", (string?)header["key"]);
        Assert.Equal("t-1", Encoding.UTF8.GetString(Convert.FromBase64String((string)header["value"]!)));

        var tail = await Ok("consume", topic, "--from", "-2", "--exit", "--print-key", "--key-delimiter", "=");
        var tailLines = tail.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, tailLines.Length);
        Assert.Equal("key-4=value 4", tailLines[0]);
        Assert.StartsWith("k-real=", tailLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Group_describe_shows_lag_and_reset_offsets_changes_nothing_until_execute()
    {
        var topic = KafkaTestClient.UniqueTopic("cli-group");
        var group = $"cli-group-{Guid.NewGuid():N}";
        await KafkaTestClient.CreateTopicAsync(fixture.BootstrapServers, topic, 1);
        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(fixture.BootstrapServers)))
        {
            for (var i = 0; i < 10; i++) producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes($"r{i}") });
            producer.Flush(KafkaTestClient.DefaultTimeout);
        }
        using (var consumer = KafkaTestClient.CreateConsumer(new ConsumerConfig(KafkaTestClient.ConsumerConfig(fixture.BootstrapServers)) { GroupId = group }))
        {
            consumer.Commit([new TopicPartitionOffset(topic, 0, 4)]);
        }

        Assert.Equal((4, 6), await CommittedAndLag(group));
        var plan = await Ok("--json", "group", "reset-offsets", group, "--topic", topic, "--to-earliest");
        var planned = JsonNode.Parse(plan.StandardOutput)!;
        Assert.False((bool)planned["executed"]!);
        Assert.Equal(0, (long)planned["partitions"]![0]!["new_offset"]!);
        Assert.Equal((4, 6), await CommittedAndLag(group));

        await Ok("group", "reset-offsets", group, "--topic", topic, "--shift-by", "3", "--execute");
        Assert.Equal((7, 3), await CommittedAndLag(group));
        await Ok("group", "reset-offsets", group, "--all-topics", "--to-earliest", "--execute");
        Assert.Equal((0, 10), await CommittedAndLag(group));

        var listed = await Ok("--json", "group", "list");
        Assert.Contains(group, listed.StandardOutput, StringComparison.Ordinal);
        await Ok("group", "delete", group);
        Assert.DoesNotContain(group, (await Ok("--json", "group", "list")).StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Perf_reports_throughput_and_latency_and_tables_show_what_json_shows()
    {
        var topic = KafkaTestClient.UniqueTopic("cli-perf");
        var produced = JsonNode.Parse((await Ok("--json", "perf", "produce", topic, "--records", "2000", "--record-size", "50", "--partitions", "2")).StandardOutput)!;
        Assert.Equal(2000, (long)produced["records"]!);
        Assert.Equal(0, (long)produced["failed"]!);
        Assert.True((double)produced["records_per_second"]! > 0);
        Assert.True((double)produced["latency_ms"]!["p99"]! >= (double)produced["latency_ms"]!["p50"]!);

        var report = await Ok("perf", "consume", topic, "--records", "2000");
        Assert.Contains("Records/s", report.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("MB/s", report.StandardOutput, StringComparison.Ordinal);

        var table = (await Ok("topic", "list")).StandardOutput;
        var row = table.Split('\n').Single(l => l.Contains(topic, StringComparison.Ordinal));
        Assert.Equal([topic, "2", "1"], row.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(3));
        var described = (await Ok("topic", "describe", topic)).StandardOutput;
        Assert.Contains($"Topic: {topic}", described, StringComparison.Ordinal);
        Assert.Contains("PartitionCount: 2", described, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exit_codes_tell_usage_errors_and_an_unreachable_cluster_apart()
    {
        var info = JsonNode.Parse((await Ok("--json", "cluster", "info")).StandardOutput)!;
        Assert.Equal(1, (int)info["brokers"]!);

        var usage = await Run("topic", "create");
        Assert.True(usage.ExitCode == 2, usage.ToString());
        var badOffset = await Run("consume", "any-topic", "--from", "soon");
        Assert.True(badOffset.ExitCode == 2, badOffset.ToString());

        var unreachable = await Run("--bootstrap", $"127.0.0.1:{FreePort.Pick()}", "--timeout", "3", "topic", "list");
        Assert.True(unreachable.ExitCode == 3, unreachable.ToString());
        Assert.Contains("cannot reach the cluster", unreachable.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Group_and_cluster_tables_show_what_json_shows_and_consume_prints_keys_as_text()
    {
        var topic = KafkaTestClient.UniqueTopic("cli-tables");
        var group = $"cli-tables-{Guid.NewGuid():N}";
        await Ok("topic", "create", topic, "--partitions", "1");
        var produced = await Ok(["produce", topic, "--key-delimiter", ":"], string.Join('\n', Enumerable.Range(0, 10).Select(i => $"k{i}:v{i}")) + "\n");
        Assert.Contains($"Produced 10 records to {topic}", produced.StandardOutput, StringComparison.Ordinal);
        var text = await Ok("consume", topic, "--from", "earliest", "--count", "3", "--print-key");
        Assert.Equal(["k0\tv0", "k1\tv1", "k2\tv2"], text.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using (var consumer = KafkaTestClient.CreateConsumer(new ConsumerConfig(KafkaTestClient.ConsumerConfig(fixture.BootstrapServers)) { GroupId = group }))
            consumer.Commit([new TopicPartitionOffset(topic, 0, 4)]);

        // group list: the table row and the JSON entry agree.
        var listedJson = JsonNode.Parse((await Ok("--json", "group", "list")).StandardOutput)!.AsArray().Single(g => (string)g!["group"]! == group)!;
        Assert.Equal([group, (string)listedJson["state"]!, (string)listedJson["type"]!], Row((await Ok("group", "list")).StandardOutput, group));

        // group describe: the summary line and the partition row carry the JSON's offsets and lag.
        var describedTable = (await Ok("group", "describe", group)).StandardOutput;
        Assert.Contains($"Group: {group}", describedTable, StringComparison.Ordinal);
        Assert.Contains("Total lag: 6", describedTable, StringComparison.Ordinal);
        Assert.Equal([topic, "0", "4", "10", "6"], Row(describedTable, topic).Take(5));
        Assert.Equal((4, 6), await CommittedAndLag(group));

        // reset-offsets: the plan as a table, and nothing changed without --execute.
        var plan = (await Ok("group", "reset-offsets", group, "--topic", topic, "--to-latest")).StandardOutput;
        Assert.Equal([group, topic, "0", "4", "10"], Row(plan, topic));
        Assert.Contains("Dry run", plan, StringComparison.Ordinal);
        Assert.Equal((4, 6), await CommittedAndLag(group));

        // cluster info, brokers and config.
        var info = JsonNode.Parse((await Ok("--json", "cluster", "info")).StandardOutput)!;
        var infoTable = (await Ok("cluster", "info")).StandardOutput;
        Assert.Equal(["Cluster id", (string)info["cluster_id"]!], Row(infoTable, "Cluster id"));
        Assert.Equal(["Brokers", "1"], Row(infoTable, "Brokers"));
        Assert.Equal(["Topics", ((int)info["topics"]!).ToString(System.Globalization.CultureInfo.InvariantCulture)], Row(infoTable, "Topics"));
        var broker = JsonNode.Parse((await Ok("--json", "cluster", "brokers")).StandardOutput)!.AsArray().Single()!;
        var brokerRow = Row((await Ok("cluster", "brokers")).StandardOutput, (string)broker["host"]!);
        Assert.Equal([((int)broker["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture), (string)broker["host"]!,
            ((int)broker["port"]!).ToString(System.Globalization.CultureInfo.InvariantCulture), "-", "yes"], brokerRow.Take(5));
        var configs = JsonNode.Parse((await Ok("--json", "cluster", "config", "--all")).StandardOutput)!["configs"]!.AsObject();
        var retention = configs["log.retention.hours"]!;
        Assert.Equal(["log.retention.hours", (string)retention["value"]!, (string)retention["source"]!],
            Row((await Ok("cluster", "config", "--all")).StandardOutput, "log.retention.hours "));
    }

    /// <summary>The cells of the one table row of <paramref name="table"/> that contains <paramref name="needle"/>.</summary>
    private static string[] Row(string table, string needle) =>
        table.Split('\n').Single(l => l.Contains('│') && l.Contains(needle, StringComparison.Ordinal))
            .Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private async Task<(long Committed, long Lag)> CommittedAndLag(string group)
    {
        var described = JsonNode.Parse((await Ok("--json", "group", "describe", group)).StandardOutput)!.AsArray().Single()!;
        var partition = described["offsets"]!.AsArray().Single()!;
        return ((long)partition["current_offset"]!, (long)partition["lag"]!);
    }

    private Task<ProcessResult> Run(params string[] arguments) =>
        BrookCli.RunClientAsync(fixture.BootstrapServers, _profiles, arguments);

    private Task<ProcessResult> Ok(params string[] arguments) => Ok(arguments, null);

    private async Task<ProcessResult> Ok(string[] arguments, string? standardInput)
    {
        var result = await BrookCli.RunClientAsync(fixture.BootstrapServers, _profiles, arguments, standardInput);
        Assert.True(result.ExitCode == 0, $"brook {string.Join(' ', arguments)}: {result}");
        return result;
    }
}
