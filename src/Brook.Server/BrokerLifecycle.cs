using Brook.Common.Config;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Replication;
using Brook.Server.Hosting;
using Brook.Server.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Brook.Server;

/// <summary>
/// Start-up and shutdown order of the broker's state. Before the listeners bind: replay the metadata log, open the
/// hosted partitions (recovering their logs) and load the coordinators. After they bound (so a port-0 listener's real
/// port is known): register this broker with the controller, then open request processing. On shutdown the logs are
/// closed cleanly after the listeners have stopped.
/// </summary>
public sealed class BrokerLifecycle(
    BrokerConfig config,
    DynamicBrokerConfig dynamicConfig,
    IMetadataQuorum quorum,
    MetadataLoader loader,
    MetadataView metadata,
    IControllerChannel controller,
    ReplicaManager replicas,
    GroupCoordinatorHost groups,
    TransactionCoordinatorHost transactions,
    ListenerBindings listeners,
    BrokerReadiness readiness,
    ILogger<BrokerLifecycle> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Replay the committed metadata first: everything below is resolved against the image it builds.
        await quorum.StartAsync(loader, cancellationToken);
        logger.LogInformation("Replayed the metadata log up to offset {Offset}: {Topics} topics, {Brokers} brokers",
            metadata.Image.Offset, metadata.Image.TopicsByName.Count, metadata.Image.Brokers.Count);
        // Dynamic broker configs first: partition settings are resolved against them.
        dynamicConfig.Apply(metadata.Image);
        metadata.ImagePublished += dynamicConfig.Apply;
        replicas.DeleteStrayLogs(metadata.Image);
        replicas.Apply(metadata.Image);
        metadata.ImagePublished += replicas.Apply;
        // Groups and committed offsets are state replayed from __consumer_offsets, if it exists yet.
        groups.LoadHostedPartitions();
        transactions.LoadHostedPartitions();
    }

    /// <summary>The listeners are bound: register with their real ports, then let requests in.</summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var endpoints = listeners.Advertised
                .Select(l => new BrokerEndpoint(l.Name, l.Host, l.Port, l.SecurityProtocol))
                .ToList();
            await controller.RegisterBrokerAsync(config.NodeId, endpoints, config.BrokerRack, cancellationToken);
            logger.LogInformation("Metadata loaded: cluster {ClusterId}, {Topics} topics, {Partitions} partitions hosted",
                metadata.Image.ClusterId, metadata.Image.TopicsByName.Count, replicas.Partitions.Count());
            readiness.SetReady();
        }
        catch (Exception e)
        {
            readiness.SetFailed(e);
            throw;
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        metadata.ImagePublished -= replicas.Apply;
        metadata.ImagePublished -= dynamicConfig.Apply;
        transactions.Coordinator.Dispose();
        groups.Coordinator.Dispose();
        replicas.Dispose();
        quorum.Dispose();
        logger.LogInformation("Logs closed cleanly");
        return Task.CompletedTask;
    }
}
