using Brook.IntegrationTests.Infrastructure;

namespace Brook.IntegrationTests;

/// <summary>
/// The documented kafka-python consumer example in a consumer group (examples/python/group_consumer.py): it reads what
/// examples/python/producer.py sent, commits, and a second run of the same group finds nothing new.
/// </summary>
[Trait("Category", "Broker")]
public sealed class KafkaPythonGroupTests : IClassFixture<GroupBrokerFixture>, IDisposable
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    private readonly GroupBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;
    private readonly ITestOutputHelper _output;

    public KafkaPythonGroupTests(GroupBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _output = output;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    private string Bootstrap => _fixture.BootstrapServers;

    public void Dispose() => _log.Dispose();

    [KafkaPythonFact]
    public async Task GroupConsumerExampleReadsOnceThenNothingNew()
    {
        var topic = KafkaTestClient.UniqueTopic("py-group");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        var group = $"py-group-{Guid.NewGuid():N}";
        var scripts = Path.Combine(RepoPaths.RepoRoot, "examples", "python");

        var produced = await Python(Path.Combine(scripts, "producer.py"), Bootstrap, topic);
        Assert.True(produced.ExitCode == 0, produced.ToString());

        var first = await Python(Path.Combine(scripts, "group_consumer.py"), Bootstrap, topic, group);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(new[]
        {
            $"{topic}:0:0: key=None value={{'foo': 'bar'}}",
            $"{topic}:0:1: key=b'greeting' value={{'hello': 'world'}}",
            "consumed 2 records",
        }, Lines(first));

        // Same group again: it resumes after its committed offset 2 and finds nothing.
        var second = await Python(Path.Combine(scripts, "group_consumer.py"), Bootstrap, topic, group);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(new[] { "consumed 0 records" }, Lines(second));

        // The commit is visible to other clients too.
        using var admin = KafkaTestClient.CreateAdmin(Bootstrap);
        var offsets = await admin.ListConsumerGroupOffsetsAsync([new Confluent.Kafka.ConsumerGroupTopicPartitions(group, null)]);
        var committed = Assert.Single(offsets.Single().Partitions);
        Assert.Equal(topic, committed.Topic);
        Assert.Equal(2, committed.Offset.Value);
    }

    private static string[] Lines(ProcessResult result) =>
        result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private async Task<ProcessResult> Python(string script, params string[] args)
    {
        // The Debian interpreter with its own dist-packages; keep a pyenv/venv environment from leaking in.
        var environment = new Dictionary<string, string?>
        {
            ["PYTHONPATH"] = null,
            ["PYTHONHOME"] = null,
            ["VIRTUAL_ENV"] = null,
            ["PYTHONUNBUFFERED"] = "1",
            // group_consumer.py stops after this much silence; shorter than its 5 s default to keep the test quick.
            ["KAFKA_CONSUMER_TIMEOUT_MS"] = "2500",
        };
        var result = await ProcessRunner.RunAsync(ExternalTools.SystemPython, [script, .. args], timeout: ToolTimeout, environment: environment);
        _output.WriteLine($"python3 {Path.GetFileName(script)} {string.Join(' ', args)} -> {result}");
        return result;
    }
}
