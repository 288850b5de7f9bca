using Brook.Common.Config;

namespace Brook.Metadata.Tests;

/// <summary>Start-up formatting: a quorum node needs `brook storage format`, unless it runs in container mode.</summary>
public class StorageFormatTests
{
    private static BrokerConfig QuorumNode(string logDir, bool containerMode, string? clusterId = null)
    {
        var builder = new BrokerConfigBuilder()
            .Set("node.id", "2")
            .Set("log.dirs", logDir)
            .Set("listeners", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0")
            .Set("controller.listener.names", "CONTROLLER")
            .Set("controller.quorum.voters", "1@a:9093,2@b:9093,3@c:9093")
            .Set(BrokerConfigDefs.ContainerMode, containerMode ? "true" : "false");
        if (clusterId is not null) builder.Set("cluster.id", clusterId);
        return builder.Build();
    }

    [Fact]
    public void AQuorumNodeRefusesAnUnformattedDirectory()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<ConfigException>(() => StorageFormat.EnsureFormatted(QuorumNode(dir.Path, containerMode: false)));
        Assert.Contains("not formatted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InContainerModeAQuorumNodeFormatsWithClusterId()
    {
        using var dir = new TempDirectory();
        var meta = StorageFormat.EnsureFormatted(QuorumNode(dir.Path, containerMode: true, clusterId: "4L6g3nShT-eMCtK--X86sw"));
        Assert.Equal("4L6g3nShT-eMCtK--X86sw", meta.ClusterId);
        Assert.Equal(2, meta.NodeId);
        // The next start finds the same format (the images' --ignore-formatted).
        Assert.Equal(meta, StorageFormat.EnsureFormatted(QuorumNode(dir.Path, containerMode: true, clusterId: "4L6g3nShT-eMCtK--X86sw")));
    }

    [Fact]
    public void InContainerModeWithoutClusterIdEveryNodeTakesTheImagesDefault()
    {
        using var dir = new TempDirectory();
        var meta = StorageFormat.EnsureFormatted(QuorumNode(dir.Path, containerMode: true));
        Assert.Equal(StorageFormat.ContainerDefaultClusterId, meta.ClusterId);
    }
}
