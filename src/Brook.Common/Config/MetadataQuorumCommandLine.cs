namespace Brook.Common.Config;

/// <summary>What <c>brook metadata-quorum ...</c> was asked to do.</summary>
public enum MetadataQuorumAction
{
    Help,
    /// <summary>describe --status: leader, epoch, high watermark, lag, voters and observers.</summary>
    DescribeStatus,
    /// <summary>describe --replication: one row per replica with its log end offset, lag and fetch times.</summary>
    DescribeReplication,
    /// <summary>add-controller: make the controller described by --config/--override a voter (AddRaftVoter).</summary>
    AddController,
    /// <summary>remove-controller: take --controller-id/--controller-directory-id out of the voters (RemoveRaftVoter).</summary>
    RemoveController,
}

/// <summary>
/// The parsed command line of Kafka's kafka-metadata-quorum.sh as a subcommand of the broker:
/// <c>brook metadata-quorum --bootstrap-controller host:port describe --status|--replication</c>,
/// <c>... add-controller [--config file] [--override key=value]...</c> (the new controller's own configuration: its
/// node.id, controller listener and log directory), <c>... remove-controller --controller-id N --controller-directory-id ID</c>.
/// <c>--bootstrap-server</c> (a broker's listener, which forwards) is accepted in place of <c>--bootstrap-controller</c>.
/// </summary>
public sealed class MetadataQuorumCommandLine
{
    public MetadataQuorumAction Action { get; private init; }
    /// <summary>host:port of a controller (or broker) listener to send the request to.</summary>
    public string Bootstrap { get; private init; } = "";
    public int ControllerId { get; private init; } = -1;
    public string? ControllerDirectoryId { get; private init; }
    /// <summary>The new controller's configuration, for add-controller.</summary>
    public BrokerCommandLine Controller { get; private init; } = BrokerCommandLine.Empty;

    /// <summary>Parses the arguments after <c>metadata-quorum</c>; malformed input throws <see cref="ConfigException"/>.</summary>
    public static MetadataQuorumCommandLine Parse(IReadOnlyList<string> args)
    {
        string? bootstrap = null, directoryId = null, command = null;
        int controllerId = -1;
        bool status = false, replication = false, help = false;
        var controllerArgs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (option, inline) = CommandLineOption.Split(arg);
            string Value() => inline ?? CommandLineOption.TakeValue(args, ref i, option);
            switch (option)
            {
                case "--help" or "-h" or "help":
                    help = true;
                    break;
                case "--bootstrap-controller" or "--bootstrap-server":
                    bootstrap = Value();
                    break;
                case "describe" or "add-controller" or "remove-controller" when command is null:
                    command = option;
                    break;
                case "--status" when command == "describe":
                    status = true;
                    break;
                case "--replication" when command == "describe":
                    replication = true;
                    break;
                case "--controller-id" or "-i" when command == "remove-controller":
                    controllerId = int.TryParse(Value(), out var id) && id >= 0 ? id : throw new ConfigException("--controller-id must be a non-negative integer");
                    break;
                case "--controller-directory-id" or "-d" when command == "remove-controller":
                    directoryId = Value();
                    break;
                case "--config" or "-c" or "--command-config" when command == "add-controller":
                    controllerArgs.Add("--config");
                    controllerArgs.Add(Value());
                    break;
                case "--override" when command == "add-controller":
                    controllerArgs.Add("--override");
                    controllerArgs.Add(Value());
                    break;
                default:
                    throw new ConfigException($"Unexpected argument '{arg}' for brook metadata-quorum (see brook metadata-quorum --help)");
            }
        }
        if (help) return new MetadataQuorumCommandLine { Action = MetadataQuorumAction.Help };
        if (bootstrap is null) throw new ConfigException("--bootstrap-controller host:port (or --bootstrap-server) is required");
        var action = command switch
        {
            "describe" when status == replication => throw new ConfigException("describe needs exactly one of --status and --replication"),
            "describe" => status ? MetadataQuorumAction.DescribeStatus : MetadataQuorumAction.DescribeReplication,
            "add-controller" => MetadataQuorumAction.AddController,
            "remove-controller" when controllerId < 0 || directoryId is null =>
                throw new ConfigException("remove-controller needs --controller-id and --controller-directory-id"),
            "remove-controller" => MetadataQuorumAction.RemoveController,
            _ => throw new ConfigException("a command is needed: describe, add-controller or remove-controller"),
        };
        return new MetadataQuorumCommandLine
        {
            Action = action,
            Bootstrap = bootstrap,
            ControllerId = controllerId,
            ControllerDirectoryId = directoryId,
            Controller = BrokerCommandLine.Parse(controllerArgs),
        };
    }

    public static string HelpText() =>
        """
        brook metadata-quorum: describe and change the KRaft metadata quorum (Kafka's kafka-metadata-quorum.sh)

          brook metadata-quorum --bootstrap-controller HOST:PORT describe --status
          brook metadata-quorum --bootstrap-controller HOST:PORT describe --replication
          brook metadata-quorum --bootstrap-controller HOST:PORT add-controller [--config FILE] [--override KEY=VALUE]...
              makes the controller configured by FILE/overrides (its node.id, controller listener and log.dirs, where its
              meta.properties names its directory id) a voter; it must be running and caught up as an observer
          brook metadata-quorum --bootstrap-controller HOST:PORT remove-controller --controller-id N --controller-directory-id ID

        --bootstrap-server HOST:PORT (a broker listener, which forwards to the quorum leader) may replace --bootstrap-controller.
        Exit status: 0 done, 1 refused by the cluster or unreachable, 2 invalid command line.

        """;
}
