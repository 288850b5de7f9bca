using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Playwright;

namespace Brook.IntegrationTests;

/// <summary>
/// The web console in a real headless Chromium (Debian's, driven by Playwright) against a real broker process: create a
/// topic in the UI, produce a message in the UI and find it in the message browser, change a config and delete the topic
/// in the UI, and watch a consumer group's lag appear and then fall on its chart as Confluent.Kafka commits. Every step is
/// checked from the other side with Confluent.Kafka, and each page is saved as a screenshot in
/// TestResults/console-screenshots.
/// </summary>
[Trait("Category", "Broker")]
public sealed class ConsoleTests(ITestOutputHelper output)
{
    [ChromiumFact]
    public async Task A_topic_is_created_produced_to_browsed_altered_and_deleted_in_the_browser()
    {
        Librdkafka.EnsureLoaded();
        var adminPort = FreePort.Pick();
        await using var broker = await BrokerProcess.StartAsync("console-topic", $"brook.admin.listener=127.0.0.1:{adminPort}");
        using var log = new BrokerLogReporter(broker, output);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync();
        var console = $"http://127.0.0.1:{adminPort}/console/";

        await page.GotoAsync(console);
        await Assertions.Expect(page.GetByTestId("card-brokers")).ToContainTextAsync("1");
        await HeadlessChromium.ScreenshotAsync(page, "01-overview");

        var topic = KafkaTestClient.UniqueTopic("console");
        await page.GotoAsync(console + "#/topics");
        await page.GetByTestId("create-topic").ClickAsync();
        await page.GetByTestId("topic-name").FillAsync(topic);
        await page.GetByTestId("topic-partitions").FillAsync("2");
        await page.GetByTestId("topic-configs").FillAsync("retention.ms=3600000");
        await page.GetByTestId("modal-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("topic-title")).ToHaveTextAsync(topic);

        using var admin = KafkaTestClient.CreateAdmin(broker.BootstrapServers);
        var description = (await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames([topic]))).TopicDescriptions.Single();
        Assert.Equal(2, description.Partitions.Count);
        Assert.Equal("3600000", await TopicConfigAsync(admin, topic, "retention.ms"));

        await page.GetByTestId("tab-produce").ClickAsync();
        await page.GetByTestId("produce-partition").SelectOptionAsync("1");
        await page.GetByTestId("produce-key").FillAsync("order-42");
        await page.GetByTestId("produce-value").FillAsync("{\"order\":42,\"status\":\"paid\",\"items\":[1,2]}");
        await page.GetByTestId("produce-headers").FillAsync("trace-id=abc123");
        await page.GetByTestId("produce-send").ClickAsync();
        await Assertions.Expect(page.GetByTestId("produce-result")).ToContainTextAsync("partition 1 at offset 0");
        await HeadlessChromium.ScreenshotAsync(page, "02-produce");

        var consumed = KafkaTestClient.ConsumeExactly(broker.BootstrapServers, [new TopicPartition(topic, 1)], 1).Single();
        Assert.Equal("order-42", Encoding.UTF8.GetString(consumed.Message.Key!));
        Assert.Equal("{\"order\":42,\"status\":\"paid\",\"items\":[1,2]}", Encoding.UTF8.GetString(consumed.Message.Value!));
        Assert.Equal("abc123", Encoding.UTF8.GetString(consumed.Message.Headers.GetLastBytes("trace-id")));

        await page.GetByTestId("tab-messages").ClickAsync();
        var row = page.GetByTestId("record-1-0");
        await Assertions.Expect(row).ToContainTextAsync("order-42");
        await row.ClickAsync();
        // Pretty-printed: the JSON value is shown over several lines, keys highlighted.
        await Assertions.Expect(page.Locator("pre.value")).ToContainTextAsync("\"status\": \"paid\"");
        await Assertions.Expect(page.Locator(".record-detail")).ToContainTextAsync("trace-id=abc123");
        await HeadlessChromium.ScreenshotAsync(page, "03-message-browser");

        await page.GetByTestId("browse-format").SelectOptionAsync("hex");
        await Assertions.Expect(page.GetByTestId("record-1-0")).ToContainTextAsync("7b 22 6f 72");

        await page.GetByTestId("tab-configs").ClickAsync();
        await page.GetByTestId("edit-retention.ms").First.ClickAsync();
        await page.GetByTestId("config-value").FillAsync("7200000");
        await page.GetByTestId("modal-submit").ClickAsync();
        await Eventually.HoldsAsync(async () => await TopicConfigAsync(admin, topic, "retention.ms") == "7200000",
            "the config changed in the console did not reach the broker", TimeSpan.FromSeconds(15));
        await HeadlessChromium.ScreenshotAsync(page, "04-topic-configs");

        await page.GotoAsync(console + "#/topics");
        await page.GetByTestId("topic-search").FillAsync(topic[..^4]);
        await Assertions.Expect(page.GetByTestId($"topic-row-{topic}")).ToBeVisibleAsync();
        await HeadlessChromium.ScreenshotAsync(page, "05-topics");

        await page.GetByTestId($"topic-row-{topic}").ClickAsync();
        await page.GetByTestId("delete-topic").ClickAsync();
        await page.GetByTestId("modal-submit").ClickAsync();
        await page.WaitForURLAsync("**#/topics");
        await Eventually.HoldsAsync(() => Task.FromResult(!KafkaTestClient.TopicListed(admin, topic)),
            "the topic deleted in the console is still listed", TimeSpan.FromSeconds(15));
    }

    [ChromiumFact]
    public async Task A_groups_lag_appears_on_its_chart_and_falls_as_it_commits()
    {
        Librdkafka.EnsureLoaded();
        var adminPort = FreePort.Pick();
        await using var broker = await BrokerProcess.StartAsync("console-lag", $"brook.admin.listener=127.0.0.1:{adminPort}");
        using var log = new BrokerLogReporter(broker, output);
        var topic = KafkaTestClient.UniqueTopic("console-lag");
        var group = $"console-lag-{Guid.NewGuid():N}"[..24];
        await KafkaTestClient.CreateTopicAsync(broker.BootstrapServers, topic, 1);
        using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(broker.BootstrapServers)))
        {
            for (var i = 0; i < 40; i++) producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes($"{{\"n\":{i}}}") });
            producer.Flush(KafkaTestClient.DefaultTimeout);
        }
        using var consumer = KafkaTestClient.CreateConsumer(new ConsumerConfig(KafkaTestClient.ConsumerConfig(broker.BootstrapServers)) { GroupId = group });
        consumer.Commit([new TopicPartitionOffset(topic, 0, 10)]);

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync();
        var console = $"http://127.0.0.1:{adminPort}/console/";
        await page.GotoAsync(console + "#/groups");
        await Assertions.Expect(page.GetByTestId($"group-row-{group}")).ToBeVisibleAsync();
        await page.GetByTestId($"group-row-{group}").ClickAsync();
        await Assertions.Expect(page.GetByTestId("group-title")).ToHaveTextAsync(group);
        await Assertions.Expect(page.GetByTestId("card-lag")).ToContainTextAsync("30");

        // The chart draws once the broker has two samples (one every 5 s) and follows the lag as the group commits.
        var totalLag = page.Locator("[data-testid=lag-chart] path[data-series='total lag']");
        await Assertions.Expect(totalLag).ToHaveAttributeAsync("data-last", "30", new() { Timeout = 30_000 });
        consumer.Commit([new TopicPartitionOffset(topic, 0, 37)]);
        await Assertions.Expect(totalLag).ToHaveAttributeAsync("data-last", "3", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("card-lag")).ToContainTextAsync("3");
        await Assertions.Expect(page.GetByTestId($"lag-{topic}-0")).ToHaveTextAsync("3");
        await HeadlessChromium.ScreenshotAsync(page, "06-group-lag");

        await page.GotoAsync(console + "#/brokers/1");
        await Assertions.Expect(page.GetByTestId("config-table")).ToContainTextAsync("log.retention.hours");
        await HeadlessChromium.ScreenshotAsync(page, "07-broker-config");
    }

    /// <summary>
    /// Two thousand topics: the topics page lists the first 50 of them with the total, pages on, and search narrows the
    /// list to one; the overview counts them all. The times (API answer, page to first rows, search to its row) are
    /// written to the test output — measurements for the note, not limits the test enforces.
    /// </summary>
    [ChromiumFact]
    public async Task Thousands_of_topics_are_paged_and_searched()
    {
        const int Topics = 2000;
        Librdkafka.EnsureLoaded();
        var adminPort = FreePort.Pick();
        await using var broker = await BrokerProcess.StartAsync("console-many", $"brook.admin.listener=127.0.0.1:{adminPort}");
        using var log = new BrokerLogReporter(broker, output);
        var prefix = $"many-{Guid.NewGuid():N}"[..13];
        string Name(int i) => $"{prefix}-{i:D4}";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var admin = KafkaTestClient.CreateAdmin(broker.BootstrapServers))
        {
            foreach (var chunk in Enumerable.Range(0, Topics).Chunk(250))
                await admin.CreateTopicsAsync(chunk.Select(i => new TopicSpecification { Name = Name(i), NumPartitions = 1, ReplicationFactor = -1 }),
                    new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(60), OperationTimeout = TimeSpan.FromSeconds(60) });
        }
        output.WriteLine($"created {Topics} topics in {clock.ElapsedMilliseconds} ms");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var api = $"http://127.0.0.1:{adminPort}/api";
        await Eventually.HoldsAsync(async () => System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync($"{api}/topics?search={prefix}&limit=1"))!["total"]!.GetValue<int>() == Topics,
            "the console API did not list every topic", TimeSpan.FromSeconds(30));
        var timings = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            clock.Restart();
            await http.GetStringAsync($"{api}/topics?offset=0&limit=50");
            timings.Add(clock.ElapsedMilliseconds);
        }
        output.WriteLine($"GET /api/topics (50 of {Topics}): {string.Join(", ", timings)} ms");

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync();
        var console = $"http://127.0.0.1:{adminPort}/console/";
        clock.Restart();
        await page.GotoAsync(console + "#/topics");
        await Assertions.Expect(page.GetByTestId($"topic-row-{Name(0)}")).ToBeVisibleAsync();
        output.WriteLine($"topics page to its first rows: {clock.ElapsedMilliseconds} ms");
        await Assertions.Expect(page.GetByTestId("topics-range")).ToHaveTextAsync($"1–50 of {Topics.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}");
        Assert.Equal(50, await page.Locator("[data-testid=topics-table] tbody tr").CountAsync());

        await page.GetByTestId("topics-next").ClickAsync();
        await Assertions.Expect(page.GetByTestId("topics-range")).ToHaveTextAsync($"51–100 of {Topics.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}");
        await Assertions.Expect(page.GetByTestId($"topic-row-{Name(50)}")).ToBeVisibleAsync();

        clock.Restart();
        await page.GetByTestId("topic-search").FillAsync(Name(1234));
        await Assertions.Expect(page.GetByTestId("topics-range")).ToHaveTextAsync("1–1 of 1");
        output.WriteLine($"search to its one row (200 ms debounce included): {clock.ElapsedMilliseconds} ms");
        await Assertions.Expect(page.GetByTestId($"topic-row-{Name(1234)}")).ToBeVisibleAsync();
        await HeadlessChromium.ScreenshotAsync(page, "08-many-topics-search");

        clock.Restart();
        await page.GotoAsync(console);
        var counted = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync($"{api}/cluster"))!["topics"]!.GetValue<int>();
        Assert.True(counted >= Topics, $"the overview counts {counted} topics");
        await Assertions.Expect(page.GetByTestId("card-topics")).ToContainTextAsync(counted.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        output.WriteLine($"overview with {Topics} topics: {clock.ElapsedMilliseconds} ms");
    }

    private static async Task<string?> TopicConfigAsync(IAdminClient admin, string topic, string key)
    {
        var described = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]);
        return described.Single().Entries.TryGetValue(key, out var entry) ? entry.Value : null;
    }
}
