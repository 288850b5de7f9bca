using Brook.Common.Config;
using Brook.Server.Hosting;
using Brook.WebConsole;

namespace Brook.Host;

/// <summary>The `brook` process: one <see cref="BrookBroker"/> until SIGTERM / Ctrl+C.</summary>
public static class BrokerHost
{
    public static async Task<int> RunAsync(BrokerConfig config)
    {
        BrookBroker broker;
        try
        {
            broker = await BrookBroker.StartAsync(config,
                adminEndpoints: config.GetBool(BrokerConfigDefs.AdminConsoleEnable) ? [new ConsoleEndpoints()] : []);
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"brook: cannot listen: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            // SIGTERM or Ctrl+C before start-up completed, e.g. a quorum node still waiting for a leader: a requested stop.
            await Console.Out.WriteLineAsync($"Brook node {config.NodeId} stopped during start-up");
            return 0;
        }
        catch (ConfigException e)
        {
            // Found while starting rather than while parsing, e.g. a quorum node whose log directory is not formatted.
            await Console.Error.WriteLineAsync($"brook: {e.Message}");
            return 2;
        }
        await using (broker)
        {
            await broker.WaitForShutdownAsync();
        }
        await Console.Out.WriteLineAsync($"Brook node {config.NodeId} stopped");
        return 0;
    }
}
