using Brook.Common.Config;
using Brook.Coordination;
using Brook.Coordination.Transactions;
using Brook.Metadata;
using Brook.Raft;
using Brook.Replication;
using Brook.Server.Api;
using Brook.Server.Controller;
using Brook.Server.Handlers;
using Brook.Server.Handlers.Controller;
using Brook.Server.Handlers.Quorum;
using Brook.Server.Hosting;
using Brook.Server.Internal;
using Brook.Server.Metrics;
using Brook.Server.Network;
using Brook.Server.Quorum;
using Brook.Storage;
using Brook.Storage.IO;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Brook.Server;

/// <summary>Registers the broker's services and API handlers: the one place that wires the layers together.</summary>
public static class BrokerServices
{
    public static IServiceCollection AddBrookBroker(this IServiceCollection services, BrokerConfig config)
    {
        var logDir = Path.GetFullPath(config.LogDirs[0]);
        services.AddSingleton(config);
        services.AddSingleton<BrokerReadiness>();
        services.TryAddSingleton(new ListenerBindings(config));
        services.AddSingleton<RemovedConfigNotices>();
        services.AddSingleton(sp => new DynamicBrokerConfig(config, sp.GetRequiredService<RemovedConfigNotices>()));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<BrokerMetrics>();
        services.AddSingleton<ProcessMetrics>();
        services.AddSingleton<PrometheusExporter>();
        // Sampling starts when something (the web console) asks for the history.
        services.AddSingleton(sp => new MetricsHistory(sp.GetRequiredService<PrometheusExporter>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<BrokerStateGauges>();
        services.AddSingleton(new ServerOptions
        {
            SocketRequestMaxBytes = config.SocketRequestMaxBytes,
            ControllerListenerNames = config.ControllerListenerNames.ToHashSet(StringComparer.Ordinal),
        });

        services.AddSingleton(sp => new MetadataView(sp.GetRequiredService<ILogger<MetadataView>>()));
        services.AddSingleton<MetadataLoader>();
        services.AddSingleton(sp => StorageFormat.EnsureFormatted(config));
        services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILogger<LogDirectories>>();
            return StorageFormat.OpenLogDirectories(config, sp.GetRequiredService<MetaProperties>(),
                (path, e) => logger.LogError("Log directory {Dir} cannot be used ({Reason}); it starts offline", path, e.Message));
        });
        services.AddSingleton(sp => QuorumSettings.RaftConfigFor(config, sp.GetRequiredService<MetaProperties>().ClusterId));
        if (config.IsStandalone)
        {
            services.AddSingleton<IRaftTransport, UnreachablePeersTransport>();
        }
        else
        {
            services.AddSingleton(sp => new KafkaRaftTransport(sp.GetRequiredService<RaftConfig>(), QuorumEndpoints.VoterResolver(config, CurrentVoters(sp)),
                QuorumEndpoints.LocalAddress(config), sp.GetRequiredService<ILoggerFactory>()));
            services.AddSingleton<IRaftTransport>(sp => sp.GetRequiredService<KafkaRaftTransport>());
            services.AddSingleton<IApiHandler, VoteHandler>();
            services.AddSingleton<IApiHandler, BeginQuorumEpochHandler>();
            services.AddSingleton<IApiHandler, EndQuorumEpochHandler>();
            services.AddSingleton<IApiHandler, QuorumFetchHandler>();
            services.AddSingleton<IApiHandler, FetchSnapshotHandler>();
            services.AddSingleton<IApiHandler, BrokerRegistrationHandler>();
            services.AddSingleton<IApiHandler, AllocateProducerIdsHandler>();
            services.AddSingleton<IApiHandler, AlterPartitionHandler>();
            services.AddSingleton<IApiHandler, BrokerHeartbeatHandler>();
            services.AddSingleton<IApiHandler, AssignReplicasToDirsHandler>();
        }
        services.AddSingleton(sp => new RaftMetadataQuorum(
            sp.GetRequiredService<RaftConfig>(), logDir, sp.GetRequiredService<IRaftTransport>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            new MetadataSnapshotPolicy(config.MetadataLogMaxRecordBytesBetweenSnapshots, TimeSpan.FromMilliseconds(config.MetadataLogMaxSnapshotIntervalMs))));
        services.AddSingleton<IMetadataQuorum>(sp => sp.GetRequiredService<RaftMetadataQuorum>());
        services.AddSingleton(sp => new ClusterController(
            sp.GetRequiredService<IMetadataQuorum>(),
            sp.GetRequiredService<MetadataView>(),
            new ClusterControllerOptions
            {
                DefaultNumPartitions = config.NumPartitions,
                DefaultReplicationFactor = (short)config.DefaultReplicationFactor,
                ClusterId = sp.GetRequiredService<MetaProperties>().ClusterId,
                BrokerSessionTimeout = TimeSpan.FromMilliseconds(config.BrokerSessionTimeoutMs),
                UncleanLeaderElectionEnable = config.UncleanLeaderElectionEnable,
                EligibleLeaderReplicasEnable = config.EligibleLeaderReplicasEnable,
                MinInsyncReplicas = config.MinInsyncReplicas,
            },
            new TopicConfigValidator(),
            sp.GetRequiredService<ILogger<ClusterController>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(sp => new BrokerSessionMonitor(sp.GetRequiredService<ClusterController>(),
            TimeSpan.FromMilliseconds(config.BrokerSessionTimeoutMs), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BrokerSessionMonitor>>()));
        if (config.AutoLeaderRebalanceEnable)
            services.AddHostedService(sp => new LeaderBalanceMonitor(sp.GetRequiredService<ClusterController>(),
                TimeSpan.FromSeconds(config.LeaderImbalanceCheckIntervalSeconds), config.LeaderImbalancePerBrokerPercentage,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LeaderBalanceMonitor>>()));
        if (!config.IsStandalone)
            services.AddHostedService(sp => new BalancerMonitor(sp.GetRequiredService<ClusterController>(), sp.GetRequiredService<DynamicBrokerConfig>(),
                sp.GetRequiredService<MetadataView>(), sp.GetService<InterBrokerConnections>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<BalancerMonitor>>()));
        if (!config.IsStandalone)
            services.AddSingleton(sp => new RemoteController(QuorumEndpoints.VoterResolver(config, CurrentVoters(sp)), QuorumEndpoints.LocalAddress(config), config.NodeId,
                sp.GetRequiredService<MetaProperties>().ClusterId, TimeSpan.FromMilliseconds(config.RequestTimeoutMs), sp.GetRequiredService<ILoggerFactory>())
            {
                // A third of a session: fires before the heartbeat loop gives up on the attempt (half a session), so the
                // retry within that attempt already runs on a fresh connection.
                HeartbeatTimeout = TimeSpan.FromMilliseconds(Math.Max(1, config.BrokerSessionTimeoutMs / 3)),
            });
        services.AddSingleton(new BrokerIdentity(config.NodeId));
        services.AddSingleton(sp => new ReplicationQuotas(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IControllerChannel>(sp => new ControllerRouter(
            sp.GetRequiredService<ClusterController>(), sp.GetRequiredService<IMetadataQuorum>(), sp.GetService<RemoteController>(),
            sp.GetRequiredService<BrokerIdentity>(), TimeSpan.FromMilliseconds(config.RequestTimeoutMs), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ControllerRouter>>()));
        if (!config.IsStandalone)
        {
            // The replication of partitions between brokers: followers fetch from leaders, leaders keep their ISR.
            services.AddSingleton(sp => new ReplicaFetcherManager(config.BrokerListenerName, QuorumEndpoints.BrokerLocalAddress(config),
                sp.GetRequiredService<BrokerIdentity>(), new ReplicaFetcherOptions
                {
                    MaxWaitMs = config.ReplicaFetchWaitMaxMs,
                    MinBytes = config.ReplicaFetchMinBytes,
                    ResponseMaxBytes = config.ReplicaFetchResponseMaxBytes,
                    PartitionMaxBytes = config.ReplicaFetchMaxBytes,
                    BackoffMs = config.ReplicaFetchBackoffMs,
                    RequestTimeoutMs = config.RequestTimeoutMs,
                    FlushOnAck = config.FlushOnAck,
                    Quota = sp.GetRequiredService<ReplicationQuotas>().Follower,
                }, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
            services.AddSingleton(sp => new IsrChangeManager(sp.GetRequiredService<IControllerChannel>(), sp.GetRequiredService<BrokerIdentity>(),
                () => sp.GetRequiredService<ReplicaManager>().Partitions, config.ReplicaLagTimeMaxMs, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<IsrChangeManager>>()));
        }
        services.AddSingleton(sp => new GroupCommitFlusher(sp.GetRequiredService<ILogger<GroupCommitFlusher>>()));
        services.AddSingleton(sp => new PhysicalLogFileSystem(config.LogWriteBackIntervalBytes > 0
            ? new LogWriteBack(config.LogWriteBackIntervalBytes, sp.GetRequiredService<ILogger<LogWriteBack>>())
            : null));
        services.AddSingleton(sp => new ReplicaManager(
            sp.GetRequiredService<LogDirectories>(),
            config.NodeId,
            topic =>
            {
                sp.GetRequiredService<RemovedConfigNotices>().NoteTopic(topic);
                return PartitionSettingsResolver.Resolve(sp.GetRequiredService<DynamicBrokerConfig>().Current, topic);
            },
            sp.GetRequiredService<GroupCommitFlusher>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            config.FlushOnAck,
            config.ReplicaHighWatermarkCheckpointIntervalMs)
        {
            Fetchers = sp.GetService<ReplicaFetcherManager>(),
            FileSystem = sp.GetRequiredService<PhysicalLogFileSystem>(),
        });
        services.AddSingleton<ProducerIdManager>();
        // Kafka bounds group writes by offsets.commit.timeout.ms and transaction-log writes and markers by the
        // broker's request timeout (30 s by default).
        var groupWriteTimeout = TimeSpan.FromMilliseconds(config.GetInt("offsets.commit.timeout.ms"));
        var transactionWriteTimeout = TimeSpan.FromSeconds(30);
        services.AddSingleton<IGroupLog>(sp => new InternalTopicLog(GroupCoordinatorHost.OffsetsTopicName,
            sp.GetRequiredService<ReplicaManager>(), groupWriteTimeout, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new GroupCoordinator(
            GroupCoordinatorOptions.FromConfig(config),
            sp.GetRequiredService<IGroupLog>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<GroupCoordinator>>(),
            new ImageTopicMetadataSource(sp.GetRequiredService<MetadataView>())));
        services.AddSingleton<GroupCoordinatorHost>();
        services.AddSingleton(sp => new TransactionCoordinator(
            TransactionCoordinatorOptions.FromConfig(config),
            new InternalTopicLog(TransactionCoordinator.TopicName, sp.GetRequiredService<ReplicaManager>(), transactionWriteTimeout, sp.GetRequiredService<TimeProvider>()),
            new ProducerIdSource(sp.GetRequiredService<ProducerIdManager>()),
            sp.GetRequiredService<ClusterTransactionMarkerWriter>(),
            sp.GetRequiredService<GroupCoordinator>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TransactionCoordinator>>()));
        services.AddSingleton<TransactionCoordinatorHost>();
        services.AddSingleton(sp => new LocalTransactionMarkerWriter(sp.GetRequiredService<ReplicaManager>(), transactionWriteTimeout));
        if (!config.IsStandalone)
        {
            services.AddSingleton(sp => new InterBrokerConnections(sp.GetRequiredService<MetadataView>(), config.NodeId, config.BrokerListenerName,
                QuorumEndpoints.BrokerLocalAddress(config), TimeSpan.FromMilliseconds(config.RequestTimeoutMs), sp.GetRequiredService<ILoggerFactory>()));
            // Consumer lag of the groups coordinated here, in partitions led by other brokers.
            services.AddSingleton(sp => new RemoteLagSampler(sp.GetRequiredService<MetadataView>(), config.NodeId, sp.GetRequiredService<InterBrokerConnections>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RemoteLagSampler>>()));
        }
        services.AddSingleton(sp => new ClusterTransactionMarkerWriter(sp.GetRequiredService<LocalTransactionMarkerWriter>(),
            sp.GetRequiredService<MetadataView>(), config.NodeId, sp.GetService<InterBrokerConnections>(), sp.GetRequiredService<ILogger<ClusterTransactionMarkerWriter>>()));
        services.AddSingleton(sp => new TransactionVerifier(sp.GetRequiredService<TransactionCoordinatorHost>(),
            sp.GetService<InterBrokerConnections>(), config.NodeId, sp.GetRequiredService<ILogger<TransactionVerifier>>()));
        services.AddSingleton<BrokerHeartbeatLoop>();
        services.AddSingleton(sp => new DirectoryAssigner(sp.GetRequiredService<ReplicaManager>(), sp.GetRequiredService<IControllerChannel>(),
            sp.GetRequiredService<BrokerIdentity>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DirectoryAssigner>>()));
        services.AddHostedService<BrokerLifecycle>();
        services.AddHostedService<LogMaintenance>();

        services.AddSingleton<IApiHandler, ApiVersionsHandler>();
        services.AddSingleton<IApiHandler, MetadataHandler>();
        services.AddSingleton<IApiHandler, DescribeTopicPartitionsHandler>();
        services.AddSingleton<IApiHandler, ProduceHandler>();
        services.AddSingleton<IApiHandler, FetchHandler>();
        services.AddSingleton<IApiHandler, ListOffsetsHandler>();
        services.AddSingleton<IApiHandler, CreateTopicsHandler>();
        services.AddSingleton<IApiHandler, DeleteTopicsHandler>();
        services.AddSingleton<IApiHandler, DescribeClusterHandler>();
        services.AddSingleton<IApiHandler, InitProducerIdHandler>();
        services.AddSingleton<IApiHandler, FindCoordinatorHandler>();
        services.AddSingleton<IApiHandler, OffsetForLeaderEpochHandler>();
        services.AddSingleton<IApiHandler, JoinGroupHandler>();
        services.AddSingleton<IApiHandler, SyncGroupHandler>();
        services.AddSingleton<IApiHandler, HeartbeatHandler>();
        services.AddSingleton<IApiHandler, LeaveGroupHandler>();
        services.AddSingleton<IApiHandler, OffsetCommitHandler>();
        services.AddSingleton<IApiHandler, OffsetFetchHandler>();
        services.AddSingleton<IApiHandler, ListGroupsHandler>();
        services.AddSingleton<IApiHandler, DescribeGroupsHandler>();
        services.AddSingleton<IApiHandler, DeleteGroupsHandler>();
        services.AddSingleton<IApiHandler, OffsetDeleteHandler>();
        services.AddSingleton<IApiHandler, DescribeConfigsHandler>();
        services.AddSingleton<IApiHandler, AlterConfigsHandler>();
        services.AddSingleton<IApiHandler, IncrementalAlterConfigsHandler>();
        services.AddSingleton<IApiHandler, CreatePartitionsHandler>();
        services.AddSingleton<IApiHandler, DescribeLogDirsHandler>();
        services.AddSingleton<IApiHandler, AlterReplicaLogDirsHandler>();
        services.AddSingleton<IApiHandler, ConsumerGroupHeartbeatHandler>();
        services.AddSingleton<IApiHandler, ConsumerGroupDescribeHandler>();
        services.AddSingleton<IApiHandler, DeleteRecordsHandler>();
        services.AddSingleton<IApiHandler, AddPartitionsToTxnHandler>();
        services.AddSingleton<IApiHandler, AddOffsetsToTxnHandler>();
        services.AddSingleton<IApiHandler, EndTxnHandler>();
        services.AddSingleton<IApiHandler, TxnOffsetCommitHandler>();
        services.AddSingleton<IApiHandler, DescribeTransactionsHandler>();
        services.AddSingleton<IApiHandler, ListTransactionsHandler>();
        services.AddSingleton<IApiHandler, DescribeProducersHandler>();
        services.AddSingleton<IApiHandler, DescribeQuorumHandler>();
        services.AddSingleton<IApiHandler, AddRaftVoterHandler>();
        services.AddSingleton<IApiHandler, RemoveRaftVoterHandler>();
        services.AddSingleton<IApiHandler, UpdateRaftVoterHandler>();
        services.AddSingleton<IApiHandler, WriteTxnMarkersHandler>();
        services.AddSingleton<IApiHandler, UnregisterBrokerHandler>();
        services.AddSingleton<IApiHandler, ElectLeadersHandler>();
        services.AddSingleton<IApiHandler, AlterPartitionReassignmentsHandler>();
        services.AddSingleton<IApiHandler, ListPartitionReassignmentsHandler>();
        services.AddSingleton(sp => new ApiRegistry(sp.GetServices<IApiHandler>()));
        services.AddSingleton<IRequestGate, OpenRequestGate>();
        return services;
    }

    /// <summary>The voter set the local Raft node holds (null before it starts), read when a peer is resolved.</summary>
    private static Func<VoterSet?> CurrentVoters(IServiceProvider services) =>
        () => services.GetService<RaftMetadataQuorum>()?.Server?.Voters;
}
