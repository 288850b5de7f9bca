using Brook.Common.Config;
using Brook.Host;

// brook [--config server.properties] [--override key=value]... [--key=value]...
BrokerConfig config;
try
{
    var parsed = BrokerCommandLine.Parse(args);
    if (parsed.ShowHelp) { Console.WriteLine(BrokerConfigDefs.HelpText()); return 0; }
    if (parsed.ShowVersion) { Console.WriteLine($"brook {typeof(BrokerHost).Assembly.GetName().Version}"); return 0; }
    config = BrokerConfig.Load(parsed.ConfigFile, Environment.GetEnvironmentVariables(), parsed.Overrides);
}
catch (ConfigException e)
{
    Console.Error.WriteLine($"brook: invalid configuration: {e.Message}");
    return 2;
}

return await BrokerHost.RunAsync(config);
