using Brook.Common.Config;

namespace Brook.Common.Tests.Config;

public class StorageCommandLineTests
{
    private const string ClusterId = "MkU3OEVBNTcwNTJENDM2Qg"; // Kafka's quickstart example id

    [Fact]
    public void FormatTakesClusterIdConfigOverridesAndIgnoreFormatted()
    {
        StorageCommandLine cl = StorageCommandLine.Parse(
            ["format", "--cluster-id", ClusterId, "--config", "node.properties", "--override", "node.id=2", "--override=log.dirs=/d", "--ignore-formatted"]);

        Assert.Equal(StorageAction.Format, cl.Action);
        Assert.Equal(ClusterId, cl.ClusterId);
        Assert.True(cl.IgnoreFormatted);
        Assert.Equal("node.properties", cl.Broker.ConfigFile);
        Assert.Equal([new("node.id", "2"), new("log.dirs", "/d")], cl.Broker.Overrides);
    }

    [Fact]
    public void KafkaShortOptionsAndInlineValues()
    {
        StorageCommandLine cl = StorageCommandLine.Parse(["format", "-t", ClusterId, "-c", "server.properties", "-g"]);
        Assert.Equal(ClusterId, cl.ClusterId);
        Assert.Equal("server.properties", cl.Broker.ConfigFile);
        Assert.True(cl.IgnoreFormatted);

        cl = StorageCommandLine.Parse(["format", $"--cluster-id={ClusterId}", "--config=a.properties"]);
        Assert.Equal(ClusterId, cl.ClusterId);
        Assert.Equal("a.properties", cl.Broker.ConfigFile);
        Assert.False(cl.IgnoreFormatted);
        Assert.Empty(cl.Broker.Overrides);
    }

    [Fact]
    public void InfoAndRandomUuid()
    {
        StorageCommandLine info = StorageCommandLine.Parse(["info", "--override", "log.dirs=/x"]);
        Assert.Equal(StorageAction.Info, info.Action);
        Assert.Null(info.ClusterId);
        Assert.Equal([new("log.dirs", "/x")], info.Broker.Overrides);

        StorageCommandLine uuid = StorageCommandLine.Parse(["random-uuid"]);
        Assert.Equal(StorageAction.RandomUuid, uuid.Action);
        Assert.Null(uuid.Broker.ConfigFile);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("format", "--help")]
    [InlineData("info", "-h")]
    public void HelpWins(params string[] args)
    {
        Assert.Equal(StorageAction.Help, StorageCommandLine.Parse(args).Action);
        Assert.Contains("brook storage format --cluster-id <id>", StorageCommandLine.HelpText());
    }

    [Theory]
    [InlineData]                                                         // no subcommand
    [InlineData("wipe")]                                                 // unknown subcommand
    [InlineData("format")]                                               // --cluster-id is required
    [InlineData("format", "--cluster-id")]                               // ... with a value
    [InlineData("format", "--cluster-id", "--ignore-formatted")]
    [InlineData("format", "--cluster-id", "not-a-uuid")]                 // Kafka requires a real UUID
    [InlineData("format", "--cluster-id", "MkU3OEVBNTcwNTJENDM2Qg==")]    // padded form is not the canonical text
    [InlineData("format", "-t", ClusterId, "-t", ClusterId)]
    [InlineData("format", "-t", ClusterId, "--override", "novalue")]
    [InlineData("format", "-t", ClusterId, "-c", "a", "-c", "b")]        // one configuration file
    [InlineData("format", "-t", ClusterId, "--ignore-formatted=yes")]
    [InlineData("format", "-t", ClusterId, "--standalone")]              // KIP-853 dynamic quorums are not supported
    [InlineData("format", "-t", ClusterId, "server.properties")]         // the file needs --config
    [InlineData("info", "--cluster-id", ClusterId)]                      // only format takes a cluster id
    [InlineData("info", "--ignore-formatted")]
    [InlineData("random-uuid", "--config", "x")]
    public void MalformedCommandLinesThrow(params string[] args)
    {
        Assert.Throws<ConfigException>(() => StorageCommandLine.Parse(args));
    }

    [Fact]
    public void BrokerHelpMentionsTheStorageTool()
    {
        Assert.Contains("brook storage format", BrokerConfigDefs.HelpText());
    }
}
