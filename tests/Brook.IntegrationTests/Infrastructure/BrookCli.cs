namespace Brook.IntegrationTests.Infrastructure;

/// <summary>Runs the real <c>brook</c> executable to completion (<c>dotnet brook.dll ...</c>), e.g. <c>brook storage format</c>.</summary>
public static class BrookCli
{
    /// <summary>Runs brook.dll with <paramref name="arguments"/>; output is captured, the process killed after <paramref name="timeout"/> (60 s).</summary>
    public static Task<ProcessResult> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(BrokerProcess.DotnetHostPath(), [RepoPaths.FindBrookDll(), .. arguments], timeout: timeout,
            environment: new Dictionary<string, string?> { ["NO_COLOR"] = "1", ["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false" });

    /// <summary>
    /// Runs a client verb (<c>brook topic list</c>, <c>brook produce</c>...) against <paramref name="bootstrap"/> with
    /// <paramref name="standardInput"/>; profiles come from <paramref name="profileFolder"/> so the user's own never leak in.
    /// </summary>
    public static Task<ProcessResult> RunClientAsync(string bootstrap, string profileFolder, IEnumerable<string> arguments,
        string? standardInput = null, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(BrokerProcess.DotnetHostPath(), [RepoPaths.FindBrookDll(), .. arguments], standardInput, timeout,
            new Dictionary<string, string?>
            {
                ["NO_COLOR"] = "1",
                ["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false",
                ["BROOK_BROKERS"] = bootstrap,
                ["BROOK_CONFIG_DIR"] = profileFolder,
                ["BROOK_PROFILE"] = null,
            });

    /// <summary>Convenience overload.</summary>
    public static Task<ProcessResult> RunAsync(params string[] arguments) => RunAsync(arguments, null);

    /// <summary>The arguments that pass <paramref name="overrides"/> as <c>--override key=value</c> pairs.</summary>
    public static IEnumerable<string> OverrideArguments(IEnumerable<KeyValuePair<string, string>> overrides) =>
        overrides.SelectMany(o => new[] { "--override", $"{o.Key}={o.Value}" });
}
