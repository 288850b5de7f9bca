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

    private static async Task<string?> TopicConfigAsync(IAdminClient admin, string topic, string key)
    {
        var described = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]);
        return described.Single().Entries.TryGetValue(key, out var entry) ? entry.Value : null;
    }
}
