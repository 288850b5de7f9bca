using System.Globalization;
using Brook.Common;
using Brook.IntegrationTests.Infrastructure;

namespace Brook.IntegrationTests;

/// <summary>
/// <c>brook storage</c> (Kafka's kafka-storage.sh) through the real binary: random-uuid, format, the already-formatted
/// rules, info, and that a quorum node refuses to start on an unformatted directory.
/// </summary>
[Trait("Category", "Broker")]
public sealed class StorageCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "brook-it", $"storage-{Guid.NewGuid():N}");

    public StorageCommandTests() => Directory.CreateDirectory(_root);

    private string DataDirectory => Path.Combine(_root, "data");

    private string MetaPropertiesPath => Path.Combine(DataDirectory, "meta.properties");

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>A combined node of a two-voter quorum (never started here, so the ports need not be free).</summary>
    private List<string> Node(int nodeId) =>
    [
        .. BrookCli.OverrideArguments(
        [
            new("process.roles", "broker,controller"),
            new("node.id", nodeId.ToString(CultureInfo.InvariantCulture)),
            new("controller.quorum.voters", $"{nodeId}@127.0.0.1:45093,{nodeId + 1}@127.0.0.1:45094"),
            new("listeners", "PLAINTEXT://127.0.0.1:45092,CONTROLLER://127.0.0.1:45093"),
            new("controller.listener.names", "CONTROLLER"),
            new("log.dirs", DataDirectory),
        ]),
    ];

    private static async Task<string> RandomUuidAsync()
    {
        var result = await BrookCli.RunAsync("storage", "random-uuid");
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput.Trim();
    }

    [Fact]
    public async Task RandomUuidPrintsANewKafkaClusterIdEachTime()
    {
        var first = await RandomUuidAsync();
        var second = await RandomUuidAsync();

        Assert.Equal(22, first.Length);
        Assert.Equal(first, Uuid.Parse(first).ToString()); // canonical URL-safe base64 of 16 bytes
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task FormatWritesMetaPropertiesAndInfoPrintsIt()
    {
        var clusterId = await RandomUuidAsync();

        var format = await BrookCli.RunAsync(["storage", "format", "--cluster-id", clusterId, .. Node(2)]);

        Assert.True(format.ExitCode == 0, format.ToString());
        Assert.Contains($"Formatted {DataDirectory} for cluster {clusterId}, node 2", format.StandardOutput);
        var meta = File.ReadAllLines(MetaPropertiesPath);
        Assert.Contains($"cluster.id={clusterId}", meta);
        Assert.Contains("node.id=2", meta);
        Assert.Contains("version=1", meta);

        var info = await BrookCli.RunAsync(["storage", "info", .. Node(2)]);

        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Contains(MetaPropertiesPath, info.StandardOutput);
        Assert.Contains($"cluster.id={clusterId}", info.StandardOutput);
        Assert.Contains("node.id=2", info.StandardOutput);
        Assert.Contains(meta.Single(l => l.StartsWith("directory.id=", StringComparison.Ordinal)), info.StandardOutput);
    }

    [Fact]
    public async Task FormatReadsAPropertiesFileLikeTheBroker()
    {
        var clusterId = await RandomUuidAsync();
        var file = Path.Combine(_root, "node.properties");
        await File.WriteAllTextAsync(file, string.Join('\n',
            "process.roles=broker,controller", "node.id=3", "controller.quorum.voters=3@127.0.0.1:45093",
            "listeners=PLAINTEXT://127.0.0.1:45092,CONTROLLER://127.0.0.1:45093", "controller.listener.names=CONTROLLER",
            $"log.dirs={DataDirectory}", ""));

        var format = await BrookCli.RunAsync("storage", "format", "-t", clusterId, "-c", file);

        Assert.True(format.ExitCode == 0, format.ToString());
        Assert.Contains("node.id=3", File.ReadAllLines(MetaPropertiesPath));
    }

    [Fact]
    public async Task AFormattedDirectoryIsRefusedUnlessIgnoredForTheSameClusterAndNode()
    {
        var clusterId = await RandomUuidAsync();
        var first = await BrookCli.RunAsync(["storage", "format", "--cluster-id", clusterId, .. Node(1)]);
        Assert.True(first.ExitCode == 0, first.ToString());
        var written = await File.ReadAllTextAsync(MetaPropertiesPath);

        var again = await BrookCli.RunAsync(["storage", "format", "--cluster-id", clusterId, .. Node(1)]);
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Contains("already formatted", again.StandardError);
        Assert.Contains("--ignore-formatted", again.StandardError);

        var ignored = await BrookCli.RunAsync(["storage", "format", "--cluster-id", clusterId, "--ignore-formatted", .. Node(1)]);
        Assert.True(ignored.ExitCode == 0, ignored.ToString());
        Assert.Contains("already formatted", ignored.StandardOutput);

        var otherCluster = await BrookCli.RunAsync(["storage", "format", "--cluster-id", await RandomUuidAsync(), "--ignore-formatted", .. Node(1)]);
        Assert.True(otherCluster.ExitCode == 1, otherCluster.ToString());
        Assert.Contains($"already formatted for cluster {clusterId}, node 1", otherCluster.StandardError);

        var otherNode = await BrookCli.RunAsync(["storage", "format", "--cluster-id", clusterId, "-g", .. Node(2)]);
        Assert.True(otherNode.ExitCode == 1, otherNode.ToString());
        Assert.Contains("node 1", otherNode.StandardError);

        Assert.Equal(written, await File.ReadAllTextAsync(MetaPropertiesPath)); // nothing was rewritten
    }

    [Fact]
    public async Task InfoOnAnUnformattedDirectoryFails()
    {
        var info = await BrookCli.RunAsync(["storage", "info", .. Node(1)]);

        Assert.True(info.ExitCode == 1, info.ToString());
        Assert.Contains("not formatted", info.StandardError);
    }

    [Fact]
    public async Task BadCommandLinesExitWithTwoAndHelpNamesTheSubcommands()
    {
        var noClusterId = await BrookCli.RunAsync(["storage", "format", .. Node(1)]);
        Assert.True(noClusterId.ExitCode == 2, noClusterId.ToString());
        Assert.Contains("--cluster-id", noClusterId.StandardError);

        var badClusterId = await BrookCli.RunAsync(["storage", "format", "--cluster-id", "my-cluster", .. Node(1)]);
        Assert.True(badClusterId.ExitCode == 2, badClusterId.ToString());
        Assert.False(File.Exists(MetaPropertiesPath));

        var help = await BrookCli.RunAsync("storage", "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("brook storage format --cluster-id <id>", help.StandardOutput);
        Assert.Contains("random-uuid", help.StandardOutput);

        var brokerHelp = await BrookCli.RunAsync("--help");
        Assert.Contains("brook storage format", brokerHelp.StandardOutput);
    }

    [Fact]
    public async Task AQuorumNodeRefusesToStartUnformattedAndSaysHowToFormat()
    {
        var start = await BrookCli.RunAsync(Node(1), TimeSpan.FromSeconds(60));

        Assert.True(start.ExitCode == 2, start.ToString());
        Assert.Contains("not formatted", start.StandardError);
        Assert.Contains("brook storage format", start.StandardError);
        Assert.DoesNotContain("Unhandled exception", start.StandardError);
        Assert.False(File.Exists(MetaPropertiesPath));
    }
}
