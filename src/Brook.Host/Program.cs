using Brook.Cli;
using Brook.Common.Config;
using Brook.Host;

// brook topic | group | produce | consume | cluster | perf | profile ...: the client tool (Brook.Cli), for any Kafka cluster.
if (CliApplication.IsCliInvocation(args))
{
    using var interrupted = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        interrupted.Cancel();
    };
    return await CliApplication.RunAsync(args, Console.Out, Console.Error, interrupted.Token);
}

// brook storage format | random-uuid | info ...: Kafka's kafka-storage.sh (StorageCommand).
if (args.Length > 0 && args[0] == "storage") return StorageCommand.Run(args[1..], Console.Out, Console.Error);

// brook metadata-quorum describe | add-controller | remove-controller ...: Kafka's kafka-metadata-quorum.sh.
if (args.Length > 0 && args[0] == "metadata-quorum") return await MetadataQuorumCommand.RunAsync(args[1..], Console.Out, Console.Error);

// brook healthcheck [--url URL]: the container image's HEALTHCHECK (readiness on the admin listener).
if (args.Length > 0 && args[0] == "healthcheck") return await HealthcheckCommand.RunAsync(args[1..], Console.Out, Console.Error);

// brook [--config server.properties] [--override key=value]... [--key=value]...
BrokerConfig config;
try
{
    var commandLine = BrokerCommandLine.Parse(args);
    if (commandLine.HelpRequested) { Console.WriteLine(BrokerConfigDefs.HelpText()); return 0; }
    if (commandLine.VersionRequested) { Console.WriteLine(BrokerCommandLine.VersionText()); return 0; }
    config = BrokerConfig.Load(commandLine);
}
catch (ConfigException e)
{
    Console.Error.WriteLine($"brook: invalid configuration: {e.Message}");
    return 2;
}

return await BrokerHost.RunAsync(config);
