using Brook.IntegrationTests.Infrastructure;

namespace Brook.IntegrationTests;

/// <summary>
/// Clients we do not control: kcat (Debian's, on the system librdkafka 2.0.x) and kafka-python 2.0.2 running the
/// repository's examples/python scripts. Skipped with an install hint when the tools are absent; CI installs them.
/// </summary>
[Trait("Category", "Broker")]
public sealed class ThirdPartyClientTests : IClassFixture<DefaultBrokerFixture>, IDisposable
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    private readonly DefaultBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;
    private readonly ITestOutputHelper _output;

    public ThirdPartyClientTests(DefaultBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _output = output;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    private string Bootstrap => _fixture.BootstrapServers;

    public void Dispose() => _log.Dispose();

    [KcatFact]
    public async Task KcatListsTopicMetadata()
    {
        var topic = KafkaTestClient.UniqueTopic("kcat-l");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 3);

        var result = await Kcat("-b", Bootstrap, "-L", "-t", topic);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"topic \"{topic}\" with 3 partitions", result.StandardOutput);
        Assert.Contains("partition 0, leader 1", result.StandardOutput);
        Assert.Contains("broker 1 at 127.0.0.1:" + _fixture.Broker.Port, result.StandardOutput);
    }

    [KcatFact]
    public async Task KcatProducesAndConsumesLines()
    {
        var topic = KafkaTestClient.UniqueTopic("kcat-pc");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        var lines = Enumerable.Range(0, 50).Select(i => $"line {i} from kcat").ToArray();

        var produce = await KcatWithInput(string.Join('\n', lines) + "\n", "-b", Bootstrap, "-P", "-t", topic);
        Assert.True(produce.ExitCode == 0, produce.ToString());

        var consume = await Kcat("-b", Bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q");
        Assert.True(consume.ExitCode == 0, consume.ToString());
        Assert.Equal(lines, consume.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [KafkaPythonFact]
    public async Task KafkaPythonExamplesProduceAndConsume()
    {
        var topic = KafkaTestClient.UniqueTopic("py");
        await KafkaTestClient.CreateTopicAsync(Bootstrap, topic, 1);
        var scripts = Path.Combine(RepoPaths.RepoRoot, "examples", "python");

        var produced = await Python(Path.Combine(scripts, "producer.py"), Bootstrap, topic);
        Assert.True(produced.ExitCode == 0, produced.ToString());
        Assert.Contains($"sent to {topic} partition 0 offset 0", produced.StandardOutput);
        Assert.Contains($"sent to {topic} partition 0 offset 1", produced.StandardOutput);

        var consumed = await Python(Path.Combine(scripts, "consumer.py"), Bootstrap, topic);
        Assert.True(consumed.ExitCode == 0, consumed.ToString());
        var lines = consumed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(new[]
        {
            $"{topic}:0:0 key=None value={{'foo': 'bar'}}",
            $"{topic}:0:1 key='greeting' value={{'hello': 'world'}}",
            "consumed 2 records",
        }, lines);
    }

    private Task<ProcessResult> Kcat(params string[] args) => KcatWithInput(null, args);

    private async Task<ProcessResult> KcatWithInput(string? stdin, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(ExternalTools.KcatPath, args, stdin, ToolTimeout);
        _output.WriteLine($"kcat {string.Join(' ', args)} -> {result}");
        return result;
    }

    private async Task<ProcessResult> Python(string script, params string[] args)
    {
        // The Debian interpreter with its own dist-packages; keep a pyenv/venv environment from leaking in.
        var environment = new Dictionary<string, string?>
        {
            ["PYTHONPATH"] = null,
            ["PYTHONHOME"] = null,
            ["VIRTUAL_ENV"] = null,
            ["PYTHONUNBUFFERED"] = "1",
        };
        var result = await ProcessRunner.RunAsync(ExternalTools.SystemPython, [script, .. args], timeout: ToolTimeout, environment: environment);
        _output.WriteLine($"python3 {Path.GetFileName(script)} {string.Join(' ', args)} -> {result}");
        return result;
    }
}
