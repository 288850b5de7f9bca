using Brook.Common.Config;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Replication;
using Brook.Server.Hosting;
using Brook.Server.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Brook.Server;

/// <summary>
/// Start-up and shutdown order of the broker's state. Before the listeners bind: start the metadata quorum. After
/// they bound (so a port-0 listener's real port is known and quorum peers can reach this node): catch up with the
/// metadata, open the hosted partitions, load the coordinators, register this broker with the controller, then open
/// request processing. On shutdown the logs are closed cleanly after the listeners have stopped.
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
    IServiceProvider services,
    ILogger<BrokerLifecycle> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Starts the metadata quorum before the listeners bind: its peers may be starting too and need this node's
    /// controller listener to answer before any of them has a leader.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken) => quorum.StartAsync(loader, cancellationToken);

    /// <summary>
    /// The listeners are bound. Wait until the metadata is caught up, open the hosted partitions (recovering their
    /// logs) and load the coordinators from the image, register with the real ports, then let client requests in.
    /// </summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await quorum.WaitUntilCaughtUpAsync(cancellationToken);
            var image = metadata.Image;
            logger.LogInformation("Metadata caught up at offset {Offset}: {Topics} topics, {Brokers} brokers",
                image.Offset, image.TopicsByName.Count, image.Brokers.Count);
            // Subscribe before applying the current image, so no image published in between is missed (applying is
            // idempotent). Dynamic broker configs first: partition settings are resolved against them.
            metadata.ImagePublished += dynamicConfig.Apply;
            dynamicConfig.Apply(metadata.Image);
            replicas.DeleteStrayLogs(metadata.Image);
            metadata.ImagePublished += replicas.Apply;
            replicas.Apply(metadata.Image);
            // Groups, committed offsets and transactions are replayed from the partitions of __consumer_offsets and
            // __transaction_state this broker leads, in the background, and follow leadership from now on.
            groups.Start();
            transactions.Start();

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
        transactions.Stop();
        groups.Stop();
        // Replication stops before the logs close: no fetch may append to a closed log.
        if (services.GetService<ReplicaFetcherManager>() is { } fetchers) fetchers.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        if (services.GetService<IsrChangeManager>() is { } isr) isr.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        transactions.Coordinator.Dispose();
        groups.Coordinator.Dispose();
        replicas.Dispose();
        quorum.Dispose();
        logger.LogInformation("Logs closed cleanly");
        return Task.CompletedTask;
    }
}
