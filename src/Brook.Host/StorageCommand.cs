using Brook.Common.Config;
using Brook.Metadata;
using Brook.Storage;

namespace Brook.Host;

/// <summary>
/// <c>brook storage ...</c>, Kafka's kafka-storage.sh: format a node's log directory for a cluster, make a cluster id,
/// show what a directory is formatted for. Output goes to stdout, problems to stderr; exit status 0 done, 1 refused,
/// 2 invalid command line or configuration.
/// </summary>
public static class StorageCommand
{
    public const int Refused = 1;
    public const int InvalidUsage = 2;

    /// <summary>Runs the subcommand in <paramref name="args"/> (the arguments after <c>storage</c>).</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        StorageCommandLine commandLine;
        BrokerConfig? config = null;
        try
        {
            commandLine = StorageCommandLine.Parse(args);
            if (commandLine.Action is StorageAction.Format or StorageAction.Info)
            {
                config = BrokerConfig.Load(commandLine.Broker);
            }
        }
        catch (ConfigException e)
        {
            error.WriteLine($"brook storage: {e.Message}");
            return InvalidUsage;
        }

        try
        {
            switch (commandLine.Action)
            {
                case StorageAction.Help:
                    output.Write(StorageCommandLine.HelpText());
                    return 0;
                case StorageAction.RandomUuid:
                    output.WriteLine(StorageFormat.RandomClusterId());
                    return 0;
                case StorageAction.Format:
                    return Format(config!, commandLine.ClusterId!, commandLine.IgnoreFormatted, output, error);
                default:
                    return Info(config!, output, error);
            }
        }
        catch (Exception e) when (e is ConfigException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error.WriteLine($"brook storage: {e.Message}");
            return Refused;
        }
    }

    private static int Format(BrokerConfig config, string clusterId, bool ignoreFormatted, TextWriter output, TextWriter error)
    {
        // cluster.id in the configuration must agree, or the node would refuse to start on what we are about to write.
        if (config.ClusterId is { } configured && configured != clusterId)
        {
            error.WriteLine($"brook storage: --cluster-id {clusterId} differs from cluster.id {configured} in the configuration");
            return Refused;
        }

        var logDir = Path.GetFullPath(config.LogDirs[0]);
        var before = MetaProperties.Read(logDir);
        var meta = StorageFormat.Format(config, clusterId, ignoreFormatted);
        if (before is not null)
        {
            output.WriteLine($"{logDir} is already formatted for cluster {meta.ClusterId}, node {meta.NodeId}; left as it is (--ignore-formatted)");
        }
        else
        {
            output.WriteLine($"Formatted {logDir} for cluster {meta.ClusterId}, node {meta.NodeId} (directory.id {meta.DirectoryId})");
        }

        foreach (var other in config.LogDirs.Skip(1).Select(Path.GetFullPath))
        {
            if (MetaProperties.Read(other) is { } formatted)
                output.WriteLine($"Formatted {other} for cluster {formatted.ClusterId}, node {formatted.NodeId} (directory.id {formatted.DirectoryId})");
        }

        return 0;
    }

    private static int Info(BrokerConfig config, TextWriter output, TextWriter error)
    {
        var logDir = Path.GetFullPath(config.LogDirs[0]);
        var meta = MetaProperties.Read(logDir);
        if (meta is null)
        {
            error.WriteLine($"brook storage: {logDir} is not formatted (no {MetaProperties.FileName}); run brook storage format first");
            return Refused;
        }

        output.WriteLine($"{Path.Combine(logDir, MetaProperties.FileName)}:");
        output.WriteLine($"  cluster.id={meta.ClusterId}");
        output.WriteLine($"  node.id={meta.NodeId}");
        output.WriteLine($"  directory.id={meta.DirectoryId}");
        output.WriteLine("  version=1");

        // The checks the broker makes at start-up, so info tells whether this configuration would start on the directory.
        var problems = new List<string>();
        if (meta.NodeId != config.NodeId) problems.Add($"the directory belongs to node {meta.NodeId}, but node.id is {config.NodeId}");
        if (config.ClusterId is { } wanted && wanted != meta.ClusterId) problems.Add($"the directory belongs to cluster {meta.ClusterId}, but cluster.id is {wanted}");
        foreach (var problem in problems) error.WriteLine($"brook storage: problem: {problem}");
        return problems.Count == 0 ? 0 : Refused;
    }
}
