using Brook.IntegrationTests.Infrastructure;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Xunit.Abstractions;

namespace Brook.IntegrationTests;

/// <summary>
/// The container image without a container engine (none is reachable here): the published executable the image
/// packages, started as its ENTRYPOINT with exactly the image's ENV plus a compose service's environment, its volume a
/// temporary folder and its HEALTHCHECK command run against it. Each compose service gets its own loopback address
/// (127.0.0.2N for brook-N) in place of its own network namespace, so the services' identical ports do not clash.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(PublishedBinaryCollection.Name)]
public sealed class ContainerImageTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _root = Directory.CreateTempSubdirectory("brook-image-").FullName;

    public void Dispose() => TempDirectories.TryDelete(_root);

    [PublishedBrookFact]
    public void The_image_runs_brook_in_container_mode_and_checks_its_health_with_brook()
    {
        var env = ContainerSpec.ImageEnvironment();
        Assert.Equal("true", env["BROOK_BROOK_CONTAINER_MODE"]);
        var (entrypoint, healthcheck) = ContainerSpec.Commands();
        Assert.Equal(["/opt/brook/bin/brook"], entrypoint);
        Assert.Equal(["/opt/brook/bin/brook", "healthcheck"], healthcheck);
    }

    [PublishedBrookFact]
    public async Task The_single_node_compose_file_serves_clients()
    {
        var (service, environment) = Assert.Single(ContainerSpec.ComposeServices("compose.yaml"));
        await using var node = StartService(service, environment, "127.0.0.1", new Dictionary<string, string>());
        await node.WaitUntilServingAsync("127.0.0.1", 9092, StartTimeout);

        await AssertHealthyAsync(node, "127.0.0.1", service);
        // KAFKA_ADVERTISED_LISTENERS says localhost:9092 (what `-p 9092:9092` reaches); KAFKA_NUM_PARTITIONS=3.
        using var admin = KafkaTestClient.CreateAdmin("127.0.0.1:9092");
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        Assert.Equal(("localhost", 9092), (metadata.Brokers.Single().Host, metadata.Brokers.Single().Port));
        await KafkaTestClient.AssertProduceConsumeWorksAsync("127.0.0.1:9092");
        if (ExternalTools.KcatAvailable) await PublishedBinaryTests.AssertKcatRoundTripAsync("127.0.0.1:9092");
        Assert.DoesNotContain("Unknown configuration", node.Log, StringComparison.Ordinal);

        Assert.Equal(0, await node.StopAsync(TimeSpan.FromSeconds(60)));
    }

    [PublishedBrookFact]
    public async Task The_three_node_compose_file_forms_a_replicated_cluster()
    {
        var services = ContainerSpec.ComposeServices("compose.cluster.yaml");
        Assert.Equal(["brook-1", "brook-2", "brook-3"], services.Select(s => s.Service));
        // Each service's host name (as compose's network resolves it) becomes its own loopback address.
        var addresses = services.Select((s, i) => (s.Service, Address: $"127.0.0.{21 + i}")).ToDictionary(s => s.Service, s => s.Address);

        var nodes = new List<PublishedBrookProcess>();
        try
        {
            foreach (var (service, environment) in services)
                nodes.Add(StartService(service, environment, addresses[service], addresses));
            // The client listener serves once the quorum has elected a leader and the node has caught up with it.
            for (int i = 0; i < nodes.Count; i++) await nodes[i].WaitUntilServingAsync(addresses[services[i].Service], 19092, StartTimeout);
            for (int i = 0; i < nodes.Count; i++) await AssertHealthyAsync(nodes[i], addresses[services[i].Service], services[i].Service);

            var bootstrap = string.Join(',', addresses.Values.Select(a => $"{a}:19092"));
            var topic = KafkaTestClient.UniqueTopic("compose");
            using (var admin = KafkaTestClient.CreateAdmin(bootstrap))
            {
                Assert.Equal(3, admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers.Count);
                // KAFKA_DEFAULT_REPLICATION_FACTOR=3: a topic created without one has three replicas.
                await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3 }]);
                await KafkaTestClient.WaitForTopicAsync(admin, topic, 3);
                var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
                Assert.All(partitions, p => Assert.Equal(3, p.Replicas.Length));
            }

            using (var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(bootstrap)))
            {
                for (int i = 0; i < 90; i++)
                    await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = BitConverter.GetBytes(i), Value = BitConverter.GetBytes(i) });
            }
            var records = KafkaTestClient.ConsumeToHighWatermark(bootstrap, topic, 3);
            Assert.Equal(Enumerable.Range(0, 90), records.Select(r => BitConverter.ToInt32(r.Message.Value!)).Order());
            foreach (var node in nodes) Assert.DoesNotContain("Unknown configuration", node.Log, StringComparison.Ordinal);

            foreach (var node in nodes.AsEnumerable().Reverse()) Assert.Equal(0, await node.StopAsync(TimeSpan.FromSeconds(90)));
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    /// <summary>
    /// Starts a compose service's container: the ENTRYPOINT with no arguments, the image's ENV then the service's
    /// environment (host names and wildcard listener hosts mapped to the service's address), the volume and /tmp as folders.
    /// </summary>
    private PublishedBrookProcess StartService(string service, IReadOnlyDictionary<string, string> composeEnvironment, string address,
        IReadOnlyDictionary<string, string> hosts)
    {
        var container = Directory.CreateDirectory(Path.Combine(_root, service)).FullName;
        var volume = Directory.CreateDirectory(Path.Combine(container, "var-lib-brook")).FullName;
        var environment = PublishedBrookProcess.BareEnvironment(Directory.CreateDirectory(Path.Combine(container, "home")).FullName);
        foreach (var (name, value) in ContainerSpec.ImageEnvironment()) environment[name] = value;
        environment["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = Directory.CreateDirectory(Path.Combine(container, "tmp")).FullName;
        foreach (var (name, value) in composeEnvironment)
        {
            var mapped = hosts.Aggregate(value, (v, h) => v.Replace(h.Key + ":", h.Value + ":", StringComparison.Ordinal));
            if (name == "KAFKA_LISTENERS") mapped = mapped.Replace("://:", $"://{address}:", StringComparison.Ordinal);
            environment[name] = mapped;
        }
        // The mounted volume holds the container default log.dirs (/var/lib/brook/data); the admin listener's
        // 0.0.0.0:9644 is the container's own interfaces, here the service's address.
        environment["BROOK_LOG_DIRS"] = Path.Combine(volume, "data");
        environment["BROOK_BROOK_ADMIN_LISTENER"] = $"{address}:9644";
        output.WriteLine($"{service}: {string.Join(' ', environment.Where(e => e.Key.StartsWith("KAFKA_", StringComparison.Ordinal) || e.Key.StartsWith("BROOK_", StringComparison.Ordinal)).Select(e => $"{e.Key}={e.Value}"))}");
        return PublishedBrookProcess.Start([], environment, volume);
    }

    private async Task AssertHealthyAsync(PublishedBrookProcess node, string address, string service)
    {
        var (_, healthcheck) = ContainerSpec.Commands();
        var environment = PublishedBrookProcess.BareEnvironment(Path.Combine(_root, service, "home"));
        ProcessResult? result = null;
        await Eventually.HoldsAsync(async () =>
            (result = await PublishedBrookProcess.RunAsync([.. healthcheck.Skip(1), "--url", $"http://{address}:9644/health/ready"], environment, _root,
                TimeSpan.FromSeconds(30))).ExitCode == 0,
            $"{service} never became healthy\n{node.Log}", TimeSpan.FromSeconds(60));
        output.WriteLine($"{service} healthcheck: {result!.StandardOutput.Trim()}");
    }
}
