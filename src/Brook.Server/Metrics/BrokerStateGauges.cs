using System.Diagnostics.Metrics;
using Brook.Common;
using Brook.Common.Config;
using Brook.Coordination;
using Brook.Metadata;
using Brook.Replication;

namespace Brook.Server.Metrics;

/// <summary>
/// Gauges computed from the broker's state when a scrape asks for them: Kafka's ReplicaManager partition counts,
/// the active controller's counts, each local partition's log size and offsets, log directories, the group
/// coordinator's groups by state, rebalance and offset counters, ISR changes, and consumer lag — for every group this
/// broker coordinates and every partition it committed (one led elsewhere through <see cref="RemoteLagSampler"/>), the
/// committed offset against the high watermark (records) and the age of the oldest unconsumed batch (seconds), what
/// Burrow and kafka-lag-exporter compute from outside.
/// </summary>
public sealed class BrokerStateGauges
{
    private readonly ReplicaManager _replicas;
    private readonly MetadataView _metadata;
    private readonly IMetadataQuorum _quorum;
    private readonly GroupCoordinator _groups;
    private readonly BrokerTopicMetrics _topics;
    private readonly BrokerConfig _config;
    private readonly TimeProvider _time;
    private readonly RemoteLagSampler? _remote;
    private readonly Lock _viewLock = new();
    private (long AtMs, GroupView View)? _view;

    public BrokerStateGauges(BrokerMetrics metrics, ReplicaManager replicas, MetadataView metadata, IMetadataQuorum quorum, GroupCoordinator groups,
        BrokerConfig config, TimeProvider time, IsrChangeManager? isrChanges = null, RemoteLagSampler? remote = null)
    {
        _remote = remote;
        _replicas = replicas;
        _metadata = metadata;
        _quorum = quorum;
        _groups = groups;
        _topics = metrics.Topics;
        _config = config;
        _time = time;
        var meter = metrics.Meter;

        Gauge(meter, "kafka.server.replicamanager.partitioncount", () => Count(_ => true), "Partitions with a replica on this broker.");
        Gauge(meter, "kafka.server.replicamanager.leadercount", () => Count(p => p.IsLeader), "Partitions this broker leads.");
        Gauge(meter, "kafka.server.replicamanager.underreplicatedpartitions", () => Count(p => p.IsLeader && p.State.Isr.Length < p.State.Replicas.Length),
            "Led partitions whose ISR is smaller than their replica set.");
        Gauge(meter, "kafka.server.replicamanager.underminisrpartitioncount", () => Count(p => p.IsLeader && p.State.Isr.Length < p.Settings.MinInsyncReplicas),
            "Led partitions whose ISR is below min.insync.replicas (acks=all produces fail).");
        Gauge(meter, "kafka.server.replicamanager.atminisrpartitioncount", () => Count(p => p.IsLeader && p.State.Isr.Length == p.Settings.MinInsyncReplicas),
            "Led partitions whose ISR is exactly min.insync.replicas.");
        Gauge(meter, "kafka.server.replicamanager.offlinereplicacount", () => _replicas.OfflinePartitions.Count(), "Replicas on an offline log directory.");
        // A single node has no ISR to change: its counters stay at zero, as Kafka's do.
        Counter(meter, "kafka.server.replicamanager.isrshrinks", () => isrChanges?.IsrShrinks ?? 0, "ISR shrinks accepted by the controller.");
        Counter(meter, "kafka.server.replicamanager.isrexpands", () => isrChanges?.IsrExpands ?? 0, "ISR expansions accepted by the controller.");
        Counter(meter, "kafka.server.replicamanager.failedisrupdates", () => isrChanges?.FailedIsrUpdates ?? 0,
            "ISR changes the controller refused or that could not be sent.");
        Gauge(meter, "kafka.log.logmanager.offlinelogdirectorycount", () => _replicas.Directories.Offline.Count(), "Log directories that failed.");

        Gauge(meter, "kafka.controller.kafkacontroller.activecontrollercount", () => IsActiveController ? 1 : 0, "1 on the active controller, 0 elsewhere.");
        Gauge(meter, "kafka.controller.kafkacontroller.offlinepartitionscount",
            () => IsActiveController ? _metadata.Image.TopicsByName.Values.Sum(t => t.Partitions.Count(p => p.Leader < 0)) : 0,
            "Partitions without a leader (reported by the active controller).");
        Gauge(meter, "kafka.controller.kafkacontroller.globaltopiccount", () => IsActiveController ? _metadata.Image.TopicsByName.Count : 0,
            "Topics in the cluster (reported by the active controller).");
        Gauge(meter, "kafka.controller.kafkacontroller.globalpartitioncount",
            () => IsActiveController ? _metadata.Image.TopicsByName.Values.Sum(t => t.Partitions.Length) : 0,
            "Partitions in the cluster (reported by the active controller).");

        meter.CreateObservableGauge("kafka.log.log.size", () => PerPartition(p => p.Log.SizeInBytes), "By", "Bytes of a partition's log on this broker.");
        meter.CreateObservableGauge("kafka.log.log.logendoffset", () => PerPartition(p => p.Log.LogEndOffset), null, "A partition's log end offset.");
        meter.CreateObservableGauge("kafka.log.log.logstartoffset", () => PerPartition(p => p.LogStartOffset), null, "A partition's log start offset.");
        meter.CreateObservableGauge("kafka.cluster.partition.highwatermark", () => PerPartition(p => p.HighWatermark), null,
            "A partition's high watermark on this replica.");

        meter.CreateObservableGauge("brook.logdir.total.bytes", () => PerDirectory(s => s.TotalBytes), "By", "Size of the file system holding a log directory.");
        meter.CreateObservableGauge("brook.logdir.free.bytes", () => PerDirectory(s => s.UsableBytes), "By", "Bytes free for Brook on a log directory's file system.");
        meter.CreateObservableGauge("brook.logdir.used.bytes", () => PerDirectory(s => s.TotalBytes - s.UsableBytes), "By", "Bytes used on a log directory's file system.");

        Gauge(meter, "kafka.coordinator.group.groupmetadatamanager.numgroups", () => CurrentGroups().Groups.Count, "Groups this broker coordinates.");
        foreach (var state in Enum.GetValues<GroupState>())
        {
            var s = state;
            Gauge(meter, "kafka.coordinator.group.groupmetadatamanager.numgroups" + s.ToString().ToLowerInvariant(),
                () => CurrentGroups().Groups.Count(g => g.State == s), $"Groups this broker coordinates in state {s.Name()}.");
        }

        Gauge(meter, "kafka.coordinator.group.groupmetadatamanager.numoffsets", () => CurrentGroups().Groups.Sum(g => g.Offsets.Count),
            "Committed offsets held by the groups this broker coordinates.");
        var counters = groups.Counters;
        Counter(meter, "kafka.server.groupcoordinatormetrics.groupcompletedrebalance", () => counters.CompletedClassicRebalances,
            "Classic group rebalances completed (a generation formed with members).");
        Counter(meter, "kafka.server.groupcoordinatormetrics.consumergrouprebalance", () => counters.ConsumerGroupRebalances,
            "Consumer group (KIP-848) rebalances: group epoch bumps.");
        Counter(meter, "kafka.server.groupcoordinatormetrics.offsetcommit", () => counters.OffsetCommits, "Partition offsets committed.");
        Counter(meter, "kafka.server.groupcoordinatormetrics.offsetexpiration", () => counters.OffsetExpirations,
            "Offsets expired by offsets.retention.minutes.");
        Counter(meter, "kafka.server.groupcoordinatormetrics.offsetdeletion", () => counters.OffsetDeletions, "Offsets deleted by OffsetDelete.");

        meter.CreateObservableGauge("kafka.consumergroup.group.offset", () => Lags(l => l.Committed), null,
            "A group's committed offset of a partition (kafka-lag-exporter's name).");
        meter.CreateObservableGauge("kafka.consumergroup.group.lag", () => Lags(l => l.Lag), null,
            "Records between a group's committed offset and the partition's high watermark.");
        meter.CreateObservableGauge("kafka.consumergroup.group.lag.seconds", () => LagSeconds(), null,
            "Seconds since the oldest record the group has not consumed was written (0 when caught up).");
        meter.CreateObservableGauge("kafka.consumergroup.group.max.lag", () => PerGroup(ls => ls.Max(l => l.Lag)), null, "A group's largest partition lag.");
        meter.CreateObservableGauge("kafka.consumergroup.group.sum.lag", () => PerGroup(ls => ls.Sum(l => l.Lag)), null, "A group's lag over all partitions.");
        meter.CreateObservableGauge("kafka.partition.latest.offset", () => PerPartition(p => p.HighWatermark, leadersOnly: true), null,
            "The high watermark of each partition this broker leads (kafka-lag-exporter's name).");
    }

    /// <summary>One group's position in one partition, as of a scrape.</summary>
    public readonly record struct PartitionLag(string Group, TopicPartition Partition, long Committed, long HighWatermark, long Lag, double? LagSeconds);

    private bool IsActiveController => _config.IsController && _quorum.Leader.LeaderId == _config.NodeId;

    /// <summary>The groups and their lag as one scrape sees them.</summary>
    private sealed record GroupView(IReadOnlyList<GroupOffsetsSnapshot> Groups, IReadOnlyList<PartitionLag> Lags);

    /// <summary>Lag of every group this broker coordinates in every partition it holds.</summary>
    public IReadOnlyList<PartitionLag> CurrentLag() => CurrentGroups().Lags;

    /// <summary>
    /// The coordinator's groups and their lag, read once per scrape (every group and lag gauge shares it) and kept for
    /// a second. Refreshing it also drops the topic counters of deleted topics.
    /// </summary>
    private GroupView CurrentGroups()
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_viewLock)
        {
            if (_view is { } cached && nowMs >= cached.AtMs && nowMs - cached.AtMs < 1000) return cached.View;
            _topics.Retain(_metadata.Image.TopicsByName.ContainsKey);
            var groups = _groups.SnapshotGroups();
            var lags = new List<PartitionLag>();
            var remote = new List<(TopicPartition, long)>();
            foreach (var group in groups)
            {
                foreach (var (tp, committed) in group.Offsets)
                {
                    long hw;
                    long? written = null;
                    if (_replicas.TryGetPartition(tp, out var partition))
                    {
                        if (partition.IsOffline) continue;
                        hw = partition.HighWatermark;
                        if (hw > committed) written = partition.Log.BatchTimestampAt(Math.Max(committed, partition.LogStartOffset));
                    }
                    else
                    {
                        // Led elsewhere: the last sample of its leader, refreshed in the background (none yet: no series).
                        remote.Add((tp, committed));
                        if (_remote?.HighWatermark(tp) is not { } sampled) continue;
                        hw = sampled;
                        if (hw > committed) written = _remote.WrittenAtMs(tp, committed);
                    }
                    var lag = Math.Max(0, hw - committed);
                    double? seconds = lag == 0 ? 0 : written is { } ms ? Math.Max(0, (nowMs - ms) / 1000.0) : null;
                    lags.Add(new PartitionLag(group.GroupId, tp, committed, hw, lag, seconds));
                }
            }
            _remote?.RequestRefresh(remote);
            var view = new GroupView(groups, lags);
            _view = (nowMs, view);
            return view;
        }
    }

    private static void Gauge(Meter meter, string name, Func<int> read, string description) =>
        meter.CreateObservableGauge(name, read, null, description);

    private static void Counter(Meter meter, string name, Func<long> read, string description) =>
        meter.CreateObservableCounter(name, read, null, description);

    private int Count(Func<Partition, bool> which) => _replicas.Partitions.Count(p => !p.IsOffline && which(p));

    private IEnumerable<Measurement<long>> PerPartition(Func<Partition, long> read, bool leadersOnly = false)
    {
        foreach (var p in _replicas.Partitions)
        {
            if (p.IsOffline || (leadersOnly && !p.IsLeader)) continue;
            yield return new Measurement<long>(read(p), new("topic", p.Id.Topic), new("partition", PartitionName(p.Id.Partition)));
        }
    }

    private IEnumerable<Measurement<long>> PerDirectory(Func<(long TotalBytes, long UsableBytes), long> read)
    {
        foreach (var dir in _replicas.Directories.Online)
        {
            (long, long) space;
            try { space = dir.Space(); }
            catch (IOException) { continue; }
            yield return new Measurement<long>(read(space), new KeyValuePair<string, object?>("dir", dir.Path));
        }
    }

    private IEnumerable<Measurement<long>> Lags(Func<PartitionLag, long> read)
    {
        foreach (var l in CurrentLag())
            yield return new Measurement<long>(read(l), new("group", l.Group), new("topic", l.Partition.Topic), new("partition", PartitionName(l.Partition.Partition)));
    }

    private IEnumerable<Measurement<double>> LagSeconds()
    {
        foreach (var l in CurrentLag())
            if (l.LagSeconds is { } s)
                yield return new Measurement<double>(s, new("group", l.Group), new("topic", l.Partition.Topic), new("partition", PartitionName(l.Partition.Partition)));
    }

    private IEnumerable<Measurement<long>> PerGroup(Func<IEnumerable<PartitionLag>, long> read)
    {
        foreach (var group in CurrentLag().GroupBy(l => l.Group))
            yield return new Measurement<long>(read(group), new KeyValuePair<string, object?>("group", group.Key));
    }

    private static readonly string[] SmallPartitionNames = [.. Enumerable.Range(0, 256).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private static string PartitionName(int partition) =>
        (uint)partition < SmallPartitionNames.Length ? SmallPartitionNames[partition] : partition.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
