using Brook.Common.Config;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Replication;
using Brook.Server.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Brook.Server;

/// <summary>
/// Start-up and shutdown order of the broker's state: replay the metadata log, register this broker, open the hosted
/// partitions (recovering their logs) before the listeners accept connections; on shutdown close the logs cleanly
/// after the listeners have stopped.
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
    ILogger<BrokerLifecycle> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Replay the committed metadata first: everything below is resolved against the image it builds.
        await quorum.StartAsync(loader, cancellationToken);
        logger.LogInformation("Replayed the metadata log up to offset {Offset}: {Topics} topics, {Brokers} brokers",
            metadata.Image.Offset, metadata.Image.TopicsByName.Count, metadata.Image.Brokers.Count);
        var endpoints = config.AdvertisedListeners
            .Select(l => new BrokerEndpoint(l.Name, l.Host, l.Port, l.SecurityProtocol))
            .ToList();
        await controller.RegisterBrokerAsync(config.NodeId, endpoints, rack: null, cancellationToken);
        // Dynamic broker configs first: partition settings are resolved against them.
        dynamicConfig.Apply(metadata.Image);
        metadata.ImagePublished += dynamicConfig.Apply;
        replicas.DeleteStrayLogs(metadata.Image);
        replicas.Apply(metadata.Image);
        metadata.ImagePublished += replicas.Apply;
        // Groups, committed offsets and transactions are replayed from the partitions of __consumer_offsets and
        // __transaction_state this broker leads, in the background, and follow leadership from now on.
        groups.Start();
        transactions.Start();
        logger.LogInformation("Metadata loaded: cluster {ClusterId}, {Topics} topics, {Partitions} partitions hosted",
            metadata.Image.ClusterId, metadata.Image.TopicsByName.Count, replicas.Partitions.Count());
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        metadata.ImagePublished -= replicas.Apply;
        metadata.ImagePublished -= dynamicConfig.Apply;
        transactions.Stop();
        groups.Stop();
        transactions.Coordinator.Dispose();
        groups.Coordinator.Dispose();
        replicas.Dispose();
        quorum.Dispose();
        logger.LogInformation("Logs closed cleanly");
        return Task.CompletedTask;
    }
}
