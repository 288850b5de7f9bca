using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata.Records;
using Brook.Storage;

namespace Brook.Metadata;

/// <summary>
/// Which cluster a node's data directory belongs to (<c>meta.properties</c>), Kafka's <c>kafka-storage.sh format</c>
/// step. A node of a multi-node quorum must be formatted before its first start, all with the same cluster id; a
/// standalone node formats itself (with cluster.id if set, the id an older Brook data directory recorded, or a new one),
/// so the one-command start keeps working.
/// </summary>
public static class StorageFormat
{
    /// <summary>A new cluster id: 16 random bytes in Kafka's URL-safe base64 form (22 characters).</summary>
    public static string RandomClusterId() => Uuid.NewRandom().ToString();

    /// <summary>
    /// Formats the first log directory for <paramref name="clusterId"/>. An already formatted directory is an error
    /// unless <paramref name="ignoreFormatted"/>, and even then must belong to the same cluster and node.
    /// </summary>
    public static MetaProperties Format(BrokerConfig config, string clusterId, bool ignoreFormatted)
    {
        if (clusterId.Length == 0) throw new ConfigException("the cluster id must not be empty");
        var logDir = Path.GetFullPath(config.LogDirs[0]);
        if (MetaProperties.Read(logDir) is { } existing)
        {
            if (existing.ClusterId != clusterId || existing.NodeId != config.NodeId)
                throw new ConfigException($"{logDir} is already formatted for cluster {existing.ClusterId}, node {existing.NodeId}");
            if (!ignoreFormatted) throw new ConfigException($"{logDir} is already formatted (use --ignore-formatted to accept that)");
            return existing;
        }
        var meta = new MetaProperties(clusterId, config.NodeId, Uuid.NewRandom().ToString());
        meta.Write(logDir);
        return meta;
    }

    /// <summary>
    /// The directory's format at start-up, checked against the configuration: node.id and cluster.id (when set) must
    /// match. A standalone node that is not formatted yet formats itself; any other node must have been formatted.
    /// </summary>
    public static MetaProperties EnsureFormatted(BrokerConfig config)
    {
        var logDir = Path.GetFullPath(config.LogDirs[0]);
        var meta = MetaProperties.Read(logDir);
        if (meta is null)
        {
            if (!config.IsStandalone)
                throw new ConfigException($"log directory {logDir} is not formatted: run `brook storage format --cluster-id <id> --config <file>` " +
                    "with the same cluster id on every node first (`brook storage random-uuid` makes one)");
            var clusterId = config.ClusterId ?? LegacyClusterId(logDir) ?? RandomClusterId();
            meta = new MetaProperties(clusterId, config.NodeId, Uuid.NewRandom().ToString());
            meta.Write(logDir);
        }
        if (meta.NodeId != config.NodeId)
            throw new ConfigException($"log directory {logDir} belongs to node {meta.NodeId}, but node.id is {config.NodeId}");
        if (config.ClusterId is { } wanted && wanted != meta.ClusterId)
            throw new ConfigException($"log directory {logDir} belongs to cluster {meta.ClusterId}, but cluster.id is {wanted}");
        return meta;
    }

    /// <summary>The cluster id a data directory of the single-node metadata format recorded, so an upgrade keeps it.</summary>
    private static string? LegacyClusterId(string logDir)
    {
        if (!File.Exists(Path.Combine(logDir, MetadataLog.DirectoryName, MetadataLog.FileName))) return null;
        using var log = new MetadataLog(logDir);
        foreach (var batch in log.ReadAll())
            foreach (var record in batch.Records)
                if (record is ClusterIdRecord id) return id.ClusterId;
        return null;
    }
}
