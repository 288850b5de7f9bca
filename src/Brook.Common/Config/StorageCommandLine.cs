using System.Text;

namespace Brook.Common.Config;

/// <summary>What <c>brook storage ...</c> was asked to do.</summary>
public enum StorageAction
{
    /// <summary>Print <see cref="StorageCommandLine.HelpText"/>.</summary>
    Help,

    /// <summary>Write meta.properties into the node's first log directory (kafka-storage.sh format).</summary>
    Format,

    /// <summary>Print a new cluster id (kafka-storage.sh random-uuid).</summary>
    RandomUuid,

    /// <summary>Print the node's meta.properties (kafka-storage.sh info).</summary>
    Info,
}

/// <summary>
/// The parsed command line of the storage tool, Kafka's kafka-storage.sh as a subcommand of the broker:
/// <c>brook storage format --cluster-id &lt;id&gt; [--config &lt;file&gt;] [--override key=value]... [--ignore-formatted]</c>,
/// <c>brook storage random-uuid</c>, <c>brook storage info [--config &lt;file&gt;] [--override key=value]...</c>.
/// </summary>
/// <remarks>
/// Kafka's short options are accepted too (<c>-t</c> cluster id, <c>-c</c> config, <c>-g</c> ignore formatted), as is
/// <c>--option=value</c>. The node's configuration (<see cref="Broker"/>) is read exactly as the broker reads it at start-up,
/// BROOK_* environment variables included, so format writes the directory and node id the broker will use. Kafka's tool
/// needs a properties file; here overrides alone are enough, which is how tests and scripts/start-cluster.sh call it.
/// </remarks>
public sealed class StorageCommandLine
{
    private StorageCommandLine(StorageAction action, string? clusterId, bool ignoreFormatted, BrokerCommandLine broker)
    {
        Action = action;
        ClusterId = clusterId;
        IgnoreFormatted = ignoreFormatted;
        Broker = broker;
    }

    public StorageAction Action { get; }

    /// <summary>--cluster-id of format (a Kafka UUID in its 22-character base64 form), else null.</summary>
    public string? ClusterId { get; }

    /// <summary>--ignore-formatted: a directory already formatted for the same cluster and node is not an error.</summary>
    public bool IgnoreFormatted { get; }

    /// <summary>The node's configuration as given (--config and --override), to load with <see cref="BrokerConfig.Load"/>.</summary>
    public BrokerCommandLine Broker { get; }

    /// <summary>Parses the arguments after <c>storage</c>; malformed input throws <see cref="ConfigException"/>.</summary>
    public static StorageCommandLine Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new ConfigException("a subcommand is needed: format, random-uuid or info (see brook storage --help)");
        }

        StorageAction action = args[0] switch
        {
            "format" => StorageAction.Format,
            "random-uuid" => StorageAction.RandomUuid,
            "info" => StorageAction.Info,
            "--help" or "-h" or "-?" or "help" => StorageAction.Help,
            _ => throw new ConfigException($"Unknown storage subcommand '{args[0]}' (expected format, random-uuid or info)"),
        };

        string? clusterId = null;
        bool ignoreFormatted = false;
        bool help = action == StorageAction.Help;
        var brokerArgs = new List<string>();
        for (int i = 1; i < args.Count; i++)
        {
            string arg = args[i];
            var (option, inlineValue) = CommandLineOption.Split(arg);

            switch (option)
            {
                case "--help" or "-h" or "-?":
                    help = true;
                    break;
                case "--cluster-id" or "-t" when action == StorageAction.Format:
                    if (clusterId is not null)
                    {
                        throw new ConfigException("--cluster-id given more than once");
                    }

                    clusterId = inlineValue ?? CommandLineOption.TakeValue(args, ref i, arg);
                    break;
                case "--ignore-formatted" or "-g" when action == StorageAction.Format && inlineValue is null:
                    ignoreFormatted = true;
                    break;
                case "--config" or "-c" when action != StorageAction.RandomUuid:
                    brokerArgs.Add("--config");
                    brokerArgs.Add(inlineValue ?? CommandLineOption.TakeValue(args, ref i, arg));
                    break;
                case "--override" when action != StorageAction.RandomUuid:
                    brokerArgs.Add("--override");
                    brokerArgs.Add(inlineValue ?? CommandLineOption.TakeValue(args, ref i, arg));
                    break;
                default:
                    throw new ConfigException($"Unexpected argument '{arg}' for brook storage {args[0]} (see brook storage --help)");
            }
        }

        if (help)
        {
            return new StorageCommandLine(StorageAction.Help, null, false, BrokerCommandLine.Empty);
        }

        if (action == StorageAction.Format)
        {
            if (clusterId is null)
            {
                throw new ConfigException("brook storage format needs --cluster-id <id> (brook storage random-uuid makes one)");
            }

            ValidateClusterId(clusterId);
        }

        // BrokerCommandLine checks --override's key=value shape and that only one --config is given.
        return new StorageCommandLine(action, clusterId, ignoreFormatted, BrokerCommandLine.Parse(brokerArgs));
    }

    /// <summary>The usage text of <c>brook storage</c>.</summary>
    public static string HelpText()
    {
        var sb = new StringBuilder();
        sb.AppendLine("Usage: brook storage format --cluster-id <id> [--config <file>] [--override key=value]... [--ignore-formatted]");
        sb.AppendLine("       brook storage random-uuid");
        sb.AppendLine("       brook storage info [--config <file>] [--override key=value]...");
        sb.AppendLine();
        sb.AppendLine("Kafka's kafka-storage.sh. Every node of a multi-node cluster (one with controller.quorum.voters) must be");
        sb.AppendLine("formatted with the same cluster id before its first start; a standalone node formats itself.");
        sb.AppendLine();
        sb.AppendLine("  format       writes meta.properties (cluster.id, node.id, directory.id) into the first of log.dirs.");
        sb.AppendLine("               A directory that is already formatted is an error; with --ignore-formatted (-g) it is");
        sb.AppendLine("               accepted when it belongs to the same cluster and node. --cluster-id (-t) is required.");
        sb.AppendLine("  random-uuid  prints a new cluster id.");
        sb.AppendLine("  info         prints the meta.properties of the node's log directories.");
        sb.AppendLine();
        sb.AppendLine("The node's configuration is read as the broker reads it: --config (-c) <file>, BROOK_* environment");
        sb.AppendLine("variables, then --override key=value. Exit status: 0 done, 1 refused (already or not formatted),");
        sb.AppendLine("2 invalid command line or configuration.");
        return sb.ToString();
    }

    /// <summary>Kafka accepts only a real UUID (16 bytes, URL-safe base64) as the cluster id; so does Brook.</summary>
    private static void ValidateClusterId(string clusterId)
    {
        try
        {
            Uuid id = Uuid.Parse(clusterId);
            if (id.IsZero || id.ToString() != clusterId)
            {
                throw new FormatException("not canonical");
            }
        }
        catch (FormatException)
        {
            throw new ConfigException($"Cluster id '{clusterId}' is not a Kafka UUID (22 characters of URL-safe base64); brook storage random-uuid makes one");
        }
    }
}
