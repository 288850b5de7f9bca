using Brook.Common;
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
/// metadata, open the hosted partitions, load the coordinators, register this broker with the controller and wait —
/// bounded — until its heartbeats got it unfenced (Kafka's broker is "running" only then), then open request
/// processing. On shutdown, first (while the listeners still serve, <see cref="StoppingAsync"/>) the controlled
/// shutdown hands this broker's leaderships to other replicas, then connections are dropped, the listeners stop and
/// the logs are closed cleanly.
/// </summary>
public sealed class BrokerLifecycle(
    BrokerConfig config,
    DynamicBrokerConfig dynamicConfig,
    IMetadataQuorum quorum,
    MetadataLoader loader,
    MetadataView metadata,
    ReplicaManager replicas,
    GroupCoordinatorHost groups,
    TransactionCoordinatorHost transactions,
    ListenerBindings listeners,
    BrokerReadiness readiness,
    IServiceProvider services,
    BrokerHeartbeatLoop heartbeats,
    ILogger<BrokerLifecycle> logger) : IHostedLifecycleService
{
    /// <summary>
    /// The bound on a controlled shutdown, after which the broker stops anyway (Kafka's broker waits up to its shutdown
    /// timeout); the host's shutdown timeout leaves room for it and for closing the logs.
    /// </summary>
    public static readonly TimeSpan ControlledShutdownTimeout = TimeSpan.FromSeconds(30);

    private readonly string _logDir = Path.GetFullPath(config.LogDirs[0]);
    private int _stopping;
    private volatile bool _skipControlledShutdown;

    /// <summary>
    /// The next stop closes the node without handing its leaderships over: for a whole cluster stopping together,
    /// where nobody would be left to take them and the controller may already be gone (each node would wait for it).
    /// </summary>
    public void SkipControlledShutdown() => _skipControlledShutdown = true;

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
            // The replication throttles are dynamic broker configs: follow them once the configuration in force moved.
            var quotas = services.GetRequiredService<ReplicationQuotas>();
            metadata.ImagePublished += _ => quotas.Apply(dynamicConfig.Current);
            quotas.Apply(dynamicConfig.Current);
            // Kafka halts a broker whose metadata log directory failed: without it the broker cannot follow the cluster.
            replicas.DirectoryOffline += dir =>
            {
                if (dir != replicas.Directories.Metadata) return;
                logger.LogCritical("The log directory {Dir} holding the metadata log is offline ({Reason}); shutting the broker down", dir.Path, dir.OfflineReason);
                services.GetService<IHostApplicationLifetime>()?.StopApplication();
            };
            // A failed log directory goes to the controller with the next heartbeat, sent at once (KIP-858).
            heartbeats.OfflineLogDirs = () => [.. replicas.Directories.Offline.Select(d => d.Id).Where(id => id != Uuid.Zero)];
            replicas.DirectoryOffline += _ => heartbeats.HeartbeatNow();
            replicas.DeleteStrayLogs(metadata.Image);
            metadata.ImagePublished += replicas.Apply;
            replicas.Apply(metadata.Image);
            var assigner = services.GetRequiredService<DirectoryAssigner>();
            metadata.ImagePublished += assigner.Check;
            replicas.ReplicaMoved += _ => assigner.Check(metadata.Image);
            assigner.Check(metadata.Image);
            // Groups, committed offsets and transactions are replayed from the partitions of __consumer_offsets and
            // __transaction_state this broker leads, in the background, and follow leadership from now on.
            groups.Start();
            transactions.Start();

            var endpoints = listeners.Advertised
                .Select(l => new BrokerEndpoint(l.Name, l.Host, l.Port, l.SecurityProtocol))
                .ToList();
            var previousEpoch = CleanShutdownEpoch.Take(_logDir);
            await heartbeats.RegisterAsync(endpoints, previousEpoch, cancellationToken);
            // A broker registers fenced; its first heartbeats unfence it once it has replayed its own registration (on a
            // single node, within milliseconds). Clients are let in after a bounded wait either way: a fenced broker
            // serves nothing it should not (clients do not see it in Metadata), and the heartbeats go on.
            var unfenceBound = TimeSpan.FromMilliseconds(config.BrokerSessionTimeoutMs);
            if (!await heartbeats.WaitUntilUnfencedAsync(unfenceBound, cancellationToken))
                logger.LogWarning("The controller has not unfenced this broker within {Bound} ms; opening client requests anyway", (long)unfenceBound.TotalMilliseconds);
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

    /// <summary>
    /// Runs before any hosted service stops — Kestrel included — so the listeners still serve while the controlled
    /// shutdown (KIP-631) moves this broker's leaderships to other in-sync replicas: clients get NOT_LEADER_OR_FOLLOWER
    /// and the new leaders rather than a dead broker. Skipped with controlled.shutdown.enable=false and on a standalone
    /// node, which has nobody to hand anything to. Then connections are dropped.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // The host may be stopped twice (WaitForShutdownAsync, then DisposeAsync): hand over once.
        if (Interlocked.Exchange(ref _stopping, 1) != 0) return;
        try
        {
            if (_skipControlledShutdown)
                logger.LogInformation("Controlled shutdown skipped: the whole cluster is stopping");
            else if (readiness.Ready.IsCompletedSuccessfully && config.ControlledShutdownEnable && !config.IsStandalone)
                await heartbeats.ControlledShutdownAsync(ControlledShutdownTimeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Controlled shutdown cut short by the host's shutdown timeout");
        }
        finally
        {
            readiness.SetClosing();
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await heartbeats.StopAsync();
        metadata.ImagePublished -= replicas.Apply;
        metadata.ImagePublished -= dynamicConfig.Apply;
        var assigner = services.GetRequiredService<DirectoryAssigner>();
        metadata.ImagePublished -= assigner.Check;
        await assigner.DisposeAsync();
        transactions.Stop();
        groups.Stop();
        // Replication stops before the logs close: no fetch may append to a closed log.
        if (services.GetService<ReplicaFetcherManager>() is { } fetchers) fetchers.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        if (services.GetService<IsrChangeManager>() is { } isr) isr.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        transactions.Coordinator.Dispose();
        groups.Coordinator.Dispose();
        replicas.Dispose();
        quorum.Dispose();
        // Only a broker that got as far as registering has an epoch worth recording.
        if (heartbeats.BrokerEpoch >= 0) CleanShutdownEpoch.Record(_logDir, heartbeats.BrokerEpoch);
        logger.LogInformation("Logs closed cleanly");
    }
}
