using Brook.Common.Config;

namespace Brook.Common.Tests.Config;

public class MetadataQuorumCommandLineTests
{
    [Fact]
    public void DescribeTakesExactlyOneOfStatusAndReplication()
    {
        var status = MetadataQuorumCommandLine.Parse(["--bootstrap-controller", "127.0.0.1:9093", "describe", "--status"]);
        Assert.Equal(MetadataQuorumAction.DescribeStatus, status.Action);
        Assert.Equal("127.0.0.1:9093", status.Bootstrap);
        var replication = MetadataQuorumCommandLine.Parse(["--bootstrap-server=h:9092", "describe", "--replication"]);
        Assert.Equal(MetadataQuorumAction.DescribeReplication, replication.Action);
        Assert.Equal("h:9092", replication.Bootstrap);
        Assert.Contains("exactly one", Assert.Throws<ConfigException>(() => MetadataQuorumCommandLine.Parse(["--bootstrap-controller", "h:1", "describe"])).Message);
        Assert.Contains("exactly one", Assert.Throws<ConfigException>(() =>
            MetadataQuorumCommandLine.Parse(["--bootstrap-controller", "h:1", "describe", "--status", "--replication"])).Message);
    }

    [Fact]
    public void AddControllerTakesTheNewControllersConfiguration()
    {
        var cl = MetadataQuorumCommandLine.Parse(["--bootstrap-controller", "h:9093", "add-controller", "--config", "c4.properties", "--override", "node.id=4"]);
        Assert.Equal(MetadataQuorumAction.AddController, cl.Action);
        Assert.Equal("c4.properties", cl.Controller.ConfigFile);
        Assert.Equal([new("node.id", "4")], cl.Controller.Overrides);
    }

    [Fact]
    public void RemoveControllerNeedsIdAndDirectoryId()
    {
        var cl = MetadataQuorumCommandLine.Parse(["--bootstrap-controller", "h:9093", "remove-controller", "--controller-id", "3", "--controller-directory-id", "AAAAAAAAAAAAAAAAAAAAAA"]);
        Assert.Equal(MetadataQuorumAction.RemoveController, cl.Action);
        Assert.Equal(3, cl.ControllerId);
        Assert.Equal("AAAAAAAAAAAAAAAAAAAAAA", cl.ControllerDirectoryId);
        Assert.Throws<ConfigException>(() => MetadataQuorumCommandLine.Parse(["--bootstrap-controller", "h:9093", "remove-controller", "--controller-id", "3"]));
        Assert.Throws<ConfigException>(() => MetadataQuorumCommandLine.Parse(["--bootstrap-controller", "h:9093", "remove-controller", "--controller-id", "x", "-d", "A"]));
    }

    [Fact]
    public void BootstrapAndACommandAreRequiredAndStrayArgumentsRefused()
    {
        Assert.Contains("--bootstrap-controller", Assert.Throws<ConfigException>(() => MetadataQuorumCommandLine.Parse(["describe", "--status"])).Message);
        Assert.Contains("a command is needed", Assert.Throws<ConfigException>(() => MetadataQuorumCommandLine.Parse(["--bootstrap-controller", "h:1"])).Message);
        Assert.Contains("Unexpected argument", Assert.Throws<ConfigException>(() =>
            MetadataQuorumCommandLine.Parse(["--bootstrap-controller", "h:1", "describe", "--status", "--controller-id", "1"])).Message);
        Assert.Equal(MetadataQuorumAction.Help, MetadataQuorumCommandLine.Parse(["--help"]).Action);
    }
}
