using System.Collections.Concurrent;
using Brook.Common;
using Brook.Metadata;
using Brook.Storage;
using Microsoft.Extensions.Logging;

namespace Brook.Replication;

/// <summary>
/// The partitions this broker hosts, kept in step with the metadata image: a partition appears when the image assigns
/// it here and its log is deleted when its topic leaves the image. Produce and fetch find partitions here.
/// </summary>
public sealed class ReplicaManager : IDisposable
{
    private const string PartitionMetadataFile = "partition.metadata";

    private readonly ConcurrentDictionary<TopicPartition, Partition> _partitions = new();
    private readonly string _logDir;
    private readonly int _brokerId;
    private readonly Func<TopicImage, PartitionSettings> _settingsFor;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _applyLock = new();

    public ReplicaManager(string logDir, int brokerId, Func<TopicImage, PartitionSettings> settingsFor,
        GroupCommitFlusher flusher, ILoggerFactory loggers, TimeProvider time)
    {
        _logDir = logDir;
        _brokerId = brokerId;
        _settingsFor = settingsFor;
        Flusher = flusher;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ReplicaManager>();
        _time = time;
        Directory.CreateDirectory(logDir);
    }

    public GroupCommitFlusher Flusher { get; }

    public bool TryGetPartition(TopicPartition id, out Partition partition) => _partitions.TryGetValue(id, out partition!);

    public IEnumerable<Partition> Partitions => _partitions.Values;

    /// <summary>Brings hosted partitions in line with <paramref name="image"/>: opens new ones, deletes removed topics' logs.</summary>
    public void Apply(MetadataImage image)
    {
        lock (_applyLock)
        {
            foreach (var topic in image.TopicsByName.Values)
            {
                var settings = _settingsFor(topic);
                foreach (var p in topic.Partitions)
                {
                    if (!p.Replicas.Contains(_brokerId)) continue;
                    var id = new TopicPartition(topic.Name, p.Index);
                    if (_partitions.TryGetValue(id, out var existing))
                    {
                        if (existing.TopicId == topic.Id)
                        {
                            if (existing.LeaderEpoch != p.LeaderEpoch) existing.Log.BeginLeaderEpoch(p.LeaderEpoch);
                            existing.LeaderEpoch = p.LeaderEpoch;
                            if (existing.Settings != settings)
                            {
                                // Dynamic topic config changes apply to the running log at once (later appends and rolls).
                                existing.Settings = settings;
                                existing.Log.Config = settings.Log;
                            }
                            continue;
                        }
                        // Same name, new topic id: the old topic was deleted and recreated.
                        _partitions.TryRemove(id, out _);
                        existing.Log.Delete();
                    }
                    _partitions[id] = Open(id, topic.Id, p.LeaderEpoch, settings);
                }
            }
            foreach (var (id, partition) in _partitions)
            {
                if (image.TopicsByName.TryGetValue(id.Topic, out var t) && t.Id == partition.TopicId && id.Partition < t.Partitions.Length)
                    continue;
                _partitions.TryRemove(id, out _);
                _logger.LogInformation("Deleting log of {Partition}: its topic was deleted", id);
                partition.Log.Delete();
            }
        }
    }

    /// <summary>Removes partition directories that no topic in the image owns (topics deleted while the broker was down).</summary>
    public void DeleteStrayLogs(MetadataImage image)
    {
        foreach (var dir in Directory.EnumerateDirectories(_logDir))
        {
            var name = Path.GetFileName(dir);
            var dash = name.LastIndexOf('-');
            if (dash <= 0 || !int.TryParse(name.AsSpan(dash + 1), out var index)) continue;
            var topic = name[..dash];
            if (topic.StartsWith("__cluster_metadata", StringComparison.Ordinal)) continue;
            var known = image.TopicsByName.TryGetValue(topic, out var t) && index < t.Partitions.Length
                && ReadTopicId(dir) is { } id && id == t.Id;
            if (known) continue;
            _logger.LogInformation("Deleting stray log directory {Dir}: no such partition in the metadata", dir);
            Directory.Delete(dir, recursive: true);
        }
    }

    private Partition Open(TopicPartition id, Uuid topicId, int leaderEpoch, PartitionSettings settings)
    {
        var dir = Path.Combine(_logDir, $"{id.Topic}-{id.Partition}");
        if (Directory.Exists(dir) && ReadTopicId(dir) is { } onDisk && onDisk != topicId)
        {
            _logger.LogInformation("Log directory {Dir} belongs to an earlier topic {Old}; removing it", dir, onDisk);
            Directory.Delete(dir, recursive: true);
        }
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, PartitionMetadataFile), $"version: 0\ntopic_id: {topicId}\n");
        var log = PartitionLog.Open(dir, settings.Log, _loggers.CreateLogger($"Brook.Storage.PartitionLog[{id}]"), _time);
        // Record where this leader epoch starts, so OffsetForLeaderEpoch can answer truncation checks (KIP-101/320).
        log.BeginLeaderEpoch(leaderEpoch);
        return new Partition(id, topicId, leaderEpoch, log, settings, _time);
    }

    private static Uuid? ReadTopicId(string dir)
    {
        var path = Path.Combine(dir, PartitionMetadataFile);
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadAllLines(path))
        {
            if (!line.StartsWith("topic_id:", StringComparison.Ordinal)) continue;
            try { return Uuid.Parse(line["topic_id:".Length..].Trim()); }
            catch (FormatException) { return null; }
        }
        return null;
    }

    public void Dispose()
    {
        foreach (var p in _partitions.Values) p.Dispose();
        _partitions.Clear();
    }
}
