namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// A broker-only node joining a running cluster as Kafka's stock broker.properties configures one: no voters, only
/// controller.quorum.bootstrap.servers; its storage is formatted with the cluster's id before it starts.
/// </summary>
public static class BrokerOnlyNode
{
    /// <summary>Creates, formats and starts node <paramref name="nodeId"/> against <paramref name="bootstrap"/>'s controller listener.</summary>
    public static async Task<BrokerProcess> StartAsync(ClusterProcess cluster, ClusterNode bootstrap, string name, int nodeId, TimeSpan startupTimeout,
        IEnumerable<KeyValuePair<string, string>>? extraOverrides = null)
    {
        var port = FreePort.Pick();
        return await StartFormattedAsync(cluster, name,
        [
            new("process.roles", "broker"),
            new("node.id", nodeId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("controller.quorum.bootstrap.servers", bootstrap.ControllerEndpoint),
            new("listeners", $"PLAINTEXT://127.0.0.1:{port}"),
            new("controller.listener.names", "CONTROLLER"),
            new("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
            new("inter.broker.listener.name", "PLAINTEXT"),
            .. extraOverrides ?? [],
        ], new BrokerProcessOptions { Port = port, StartupTimeout = startupTimeout });
    }

    /// <summary>Creates a node process with <paramref name="overrides"/>, formats its storage for the cluster and starts it.</summary>
    public static async Task<BrokerProcess> StartFormattedAsync(ClusterProcess cluster, string name, IEnumerable<KeyValuePair<string, string>> overrides,
        BrokerProcessOptions options)
    {
        var node = BrokerProcess.Create(name, overrides, options);
        try
        {
            var format = await BrookCli.RunAsync(["storage", "format", "--cluster-id", cluster.ClusterId, .. BrookCli.OverrideArguments(node.Overrides)]);
            Assert.True(format.ExitCode == 0, $"brook storage format failed: {format}");
            await node.RestartAsync();
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }
}
