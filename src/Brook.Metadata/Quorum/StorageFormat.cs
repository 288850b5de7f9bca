using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata.Records;
using Brook.Storage;

namespace Brook.Metadata;

/// <summary>
/// Which cluster a node's data directory belongs to (<c>meta.properties</c>), Kafka's <c>kafka-storage.sh format</c>
/// step. A node of a multi-node quorum must be formatted before its first start, all with the same cluster id; a
/// standalone node formats itself (with cluster.id if set, the id an older Brook data directory recorded, or a new one),
/// so the one-command start keeps working. In container mode any node formats itself, as the Kafka images do.
/// </summary>
public static class StorageFormat
{
    /// <summary>A new cluster id: 16 random bytes in Kafka's URL-safe base64 form (22 characters).</summary>
    public static string RandomClusterId() => Uuid.NewRandom().ToString();

    /// <summary>
    /// The cluster id a container-mode node formats with when CLUSTER_ID (cluster.id) is not set, so the nodes of a
    /// compose file agree without configuration, as the apache/kafka image's built-in id does.
    /// </summary>
    public const string ContainerDefaultClusterId = "KaifD3JQRE-6dCVKGwYITw";

    /// <summary>
    /// Formats every log directory for <paramref name="clusterId"/>; the first holds the metadata log. An already formatted directory is an error
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
        // Every other log directory gets the same cluster and node with its own directory.id, as kafka-storage.sh does.
        foreach (var other in config.LogDirs.Skip(1).Select(Path.GetFullPath))
        {
            if (MetaProperties.Read(other) is { } formatted)
            {
                if (formatted.ClusterId != clusterId || formatted.NodeId != config.NodeId)
                    throw new ConfigException($"{other} is already formatted for cluster {formatted.ClusterId}, node {formatted.NodeId}");
                continue;
            }
            Directory.CreateDirectory(other);
            (meta with { DirectoryId = Uuid.NewRandom().ToString() }).Write(other);
        }
        return meta;
    }

    /// <summary>
    /// The broker's log directories at start-up, the first (metadata) one already checked by <see cref="EnsureFormatted"/>.
    /// Another directory that is empty is formatted with a copy of <paramref name="meta"/> and its own directory.id
    /// (Kafka does the same for an added disk); one that belongs to another cluster or node is a configuration error;
    /// one that cannot be read or written starts offline, so the broker serves its other directories.
    /// </summary>
    public static LogDirectories OpenLogDirectories(BrokerConfig config, MetaProperties meta, Action<string, Exception>? onOffline = null)
    {
        var dirs = new List<LogDirectory> { new(config.LogDirs[0], ParseId(meta.DirectoryId)) };
        var failed = new List<(LogDirectory Dir, string Reason)>();
        foreach (var path in config.LogDirs.Skip(1).Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
        {
            if (dirs.Any(d => d.Path == path)) continue;
            try
            {
                Directory.CreateDirectory(path);
                var found = MetaProperties.Read(path);
                if (found is null)
                {
                    found = meta with { DirectoryId = Uuid.NewRandom().ToString() };
                    found.Write(path);
                }
                if (found.ClusterId != meta.ClusterId || found.NodeId != meta.NodeId)
                    throw new ConfigException($"log directory {path} belongs to cluster {found.ClusterId}, node {found.NodeId}, " +
                        $"but {dirs[0].Path} to cluster {meta.ClusterId}, node {meta.NodeId}");
                dirs.Add(new LogDirectory(path, ParseId(found.DirectoryId)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                var dir = new LogDirectory(path, Uuid.Zero);
                dirs.Add(dir);
                failed.Add((dir, e.Message));
                onOffline?.Invoke(path, e);
            }
        }
        var result = new LogDirectories(dirs);
        foreach (var (dir, reason) in failed) result.Fail(dir, reason);
        return result;
    }

    private static Uuid ParseId(string text)
    {
        try { return text.Length == 0 ? Uuid.Zero : Uuid.Parse(text); }
        catch (FormatException) { return Uuid.Zero; }
    }

    /// <summary>
    /// The directory's format at start-up, checked against the configuration: node.id and cluster.id (when set) must
    /// match. A standalone node that is not formatted yet formats itself; any other node must have been formatted.
    /// </summary>
    public static MetaProperties EnsureFormatted(BrokerConfig config)
    {
        var logDir = Path.GetFullPath(config.LogDirs[0]);
        var meta = MetaProperties.Read(logDir);
        if (meta is null && !config.IsStandalone && config.GetBool(BrokerConfigDefs.ContainerMode))
        {
            // The container images format at start-up (kafka-storage.sh format --ignore-formatted in their launch script).
            meta = Format(config, config.ClusterId ?? ContainerDefaultClusterId, ignoreFormatted: true);
        }
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
