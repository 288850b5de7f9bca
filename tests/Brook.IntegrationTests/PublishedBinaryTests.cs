using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Brook.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Brook.IntegrationTests;

/// <summary>
/// The tarball's self-contained <c>bin/brook</c>, run the way its README says, from an empty folder with a bare
/// environment (no .NET on PATH): no arguments starts a node on 127.0.0.1:9092 with data in ./data; <c>--config
/// config/server.properties</c> runs like kafka-server-start.sh; the CLI verbs (which load the bundled librdkafka) and
/// the healthcheck work from the single file. Driven by Confluent.Kafka and kcat.
/// </summary>
[Trait("Category", "Broker")]
[Collection(PublishedBinaryCollection.Name)]
public sealed class PublishedBinaryTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _root = Directory.CreateTempSubdirectory("brook-published-").FullName;

    public void Dispose() => TempDirectories.TryDelete(_root);

    private Dictionary<string, string> Environment()
    {
        var home = Directory.CreateDirectory(Path.Combine(_root, "home")).FullName;
        return PublishedBrookProcess.BareEnvironment(home);
    }

    [PublishedBrookFact]
    public async Task Without_arguments_it_starts_a_single_node_on_9092_with_data_in_dot_data()
    {
        AssertPortFree(9092);
        var work = Directory.CreateDirectory(Path.Combine(_root, "work")).FullName;
        await using var brook = PublishedBrookProcess.Start([], Environment(), work);

        var accepting = await brook.WaitUntilAcceptingAsync("127.0.0.1", 9092, StartTimeout);
        output.WriteLine($"start-up to accepting connections on 127.0.0.1:9092 (empty data dir, first run): {accepting.TotalMilliseconds:0} ms");
        await brook.WaitUntilServingAsync("127.0.0.1", 9092, StartTimeout);

        await KafkaTestClient.AssertProduceConsumeWorksAsync("127.0.0.1:9092");
        Assert.True(File.Exists(Path.Combine(work, "data", "meta.properties")), "no ./data/meta.properties\n" + brook.Log);
        if (ExternalTools.KcatAvailable) await AssertKcatRoundTripAsync("127.0.0.1:9092");

        Assert.Equal(0, await brook.StopAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Brook node 1 stopped", brook.Log, StringComparison.Ordinal);
    }

    [PublishedBrookFact]
    public async Task With_the_shipped_server_properties_it_runs_like_kafka_server_start_and_its_verbs_work()
    {
        int port = FreePort.Pick();
        int adminPort = FreePort.Pick();
        var work = Directory.CreateDirectory(Path.Combine(_root, "work")).FullName;
        // The tarball's file, edited as a user would: its own port, data and admin listener appended (later lines win).
        var config = Path.Combine(work, "server.properties");
        File.Copy(Path.Combine(PublishedBrook.DistributionDirectory, "config", "server.properties"), config);
        File.AppendAllText(config, $"\nlisteners=PLAINTEXT://127.0.0.1:{port}\nlog.dirs={Path.Combine(work, "kafka-logs")}\n" +
            $"brook.admin.listener=127.0.0.1:{adminPort}\nnum.partitions=2\n");
        var environment = Environment();

        await using var brook = PublishedBrookProcess.Start(["--config", "server.properties"], environment, work);
        await brook.WaitUntilServingAsync("127.0.0.1", port, StartTimeout);
        var bootstrap = $"127.0.0.1:{port}";
        Assert.True(File.Exists(Path.Combine(work, "kafka-logs", "meta.properties")));

        var health = $"http://127.0.0.1:{adminPort}/health/ready";
        ProcessResult? healthy = null;
        await Eventually.HoldsAsync(async () =>
            (healthy = await PublishedBrookProcess.RunAsync(["healthcheck", "--url", health], environment, work, TimeSpan.FromSeconds(30))).ExitCode == 0,
            "brook healthcheck never succeeded", TimeSpan.FromSeconds(30));
        Assert.Contains("200", healthy!.StandardOutput, StringComparison.Ordinal);

        // Client verbs from the single file: they load the bundled librdkafka from the extraction directory.
        var cli = new Dictionary<string, string>(environment)
        {
            ["BROOK_BROKERS"] = bootstrap,
            ["BROOK_CONFIG_DIR"] = Directory.CreateDirectory(Path.Combine(_root, "profiles")).FullName,
        };
        var topic = KafkaTestClient.UniqueTopic("published");
        var created = await PublishedBrookProcess.RunAsync(["topic", "create", topic], cli, work, TimeSpan.FromSeconds(60));
        Assert.True(created.ExitCode == 0, created.ToString());
        var listed = await PublishedBrookProcess.RunAsync(["--json", "topic", "list"], cli, work, TimeSpan.FromSeconds(60));
        Assert.True(listed.ExitCode == 0, listed.ToString());
        var json = listed.StandardOutput[listed.StandardOutput.IndexOf('[')..];
        var entry = JsonNode.Parse(json)!.AsArray().Single(t => t!["name"]!.GetValue<string>() == topic)!;
        Assert.Equal(2, entry["partitions"]!.GetValue<int>());
        await KafkaTestClient.AssertProduceConsumeWorksAsync(bootstrap);
        await AssertAdminListenerServesAsync($"http://127.0.0.1:{adminPort}", topic);

        Assert.Equal(0, await brook.StopAsync(TimeSpan.FromSeconds(60)));
        var down = await PublishedBrookProcess.RunAsync(["healthcheck", "--url", health], environment, work, TimeSpan.FromSeconds(30));
        Assert.Equal(1, down.ExitCode);
    }

    [PublishedBrookFact]
    public void The_tarball_has_the_documented_layout()
    {
        var dist = PublishedBrook.DistributionDirectory;
        foreach (var file in new[] { "bin/brook", "config/server.properties", "LICENSE", "README.md" })
            Assert.True(File.Exists(Path.Combine(dist, file)), $"{file} missing from {dist}");
        if (!OperatingSystem.IsWindows()) Assert.True(File.GetUnixFileMode(PublishedBrook.Executable).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "config", "server.properties")),
            File.ReadAllText(Path.Combine(dist, "config", "server.properties")));
    }

    /// <summary>
    /// The admin listener from the published file: the Prometheus scrape, the web console's page and its JSON API —
    /// the code a trimmed or Native AOT build is likeliest to break (serialisation, routes, embedded files).
    /// </summary>
    private static async Task AssertAdminListenerServesAsync(string admin, string topic)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var scrape = await http.GetStringAsync($"{admin}/metrics");
        Assert.Contains("kafka_server_brokertopicmetrics_messagesin_total", scrape, StringComparison.Ordinal);
        using var page = await http.GetAsync($"{admin}/console/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        var cluster = JsonNode.Parse(await http.GetStringAsync($"{admin}/api/cluster"))!;
        Assert.False(string.IsNullOrEmpty(cluster["cluster_id"]?.GetValue<string>()), cluster.ToJsonString());
        var topics = JsonNode.Parse(await http.GetStringAsync($"{admin}/api/topics?search={Uri.EscapeDataString(topic)}"))!.ToJsonString();
        Assert.Contains(topic, topics, StringComparison.Ordinal);
    }

    /// <summary>kcat (librdkafka's command-line client) writes three lines and reads them back.</summary>
    internal static async Task AssertKcatRoundTripAsync(string bootstrap)
    {
        var topic = KafkaTestClient.UniqueTopic("kcat");
        await KafkaTestClient.CreateTopicAsync(bootstrap, topic, 1);
        var produced = await ProcessRunner.RunAsync(ExternalTools.KcatPath, ["-b", bootstrap, "-t", topic, "-P", "-X", "acks=all"], "a\nb\nc\n",
            TimeSpan.FromSeconds(30));
        Assert.True(produced.ExitCode == 0, produced.ToString());
        var consumed = await ProcessRunner.RunAsync(ExternalTools.KcatPath, ["-b", bootstrap, "-t", topic, "-C", "-o", "beginning", "-c", "3", "-e"],
            timeout: TimeSpan.FromSeconds(30));
        Assert.True(consumed.ExitCode == 0, consumed.ToString());
        Assert.Equal(["a", "b", "c"], consumed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    internal static void AssertPortFree(int port, string host = "127.0.0.1")
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Parse(host), port);
            listener.Start();
        }
        catch (SocketException e)
        {
            Assert.Fail($"{host}:{port} is taken ({e.SocketErrorCode}): stop whatever listens there (another Kafka or Brook) and run again");
        }
    }
}

/// <summary>The published-binary tests use the fixed ports a user gets (9092, 9093, 9644): they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PublishedBinaryCollection
{
    public const string Name = "published brook";
}
