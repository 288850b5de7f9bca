using System.Reflection;

namespace Brook.Common.Config;

/// <summary>
/// The parsed command line: <c>brook [server.properties | --config file] [--override key=value]... [--key=value | --key value]... [--help] [--version]</c>.
/// </summary>
/// <remarks>
/// Kafka's kafka-server-start.sh takes the properties file as the first bare argument and overrides as
/// <c>--override key=value</c>; both forms are accepted, plus the shorthand <c>--log.dirs=./x</c> / <c>--log.dirs ./x</c>.
/// </remarks>
public sealed class BrokerCommandLine
{
    private BrokerCommandLine(string? configFile, IReadOnlyList<KeyValuePair<string, string>> overrides, bool helpRequested, bool versionRequested)
    {
        ConfigFile = configFile;
        Overrides = overrides;
        HelpRequested = helpRequested;
        VersionRequested = versionRequested;
    }

    /// <summary>The properties file given with --config or as a bare argument, or null.</summary>
    public string? ConfigFile { get; }

    /// <summary>Key/value overrides in command-line order (a later one for the same key wins).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Overrides { get; }

    /// <summary>--help / -h was given: print <see cref="BrokerConfigDefs.HelpText"/> and exit.</summary>
    public bool HelpRequested { get; }

    /// <summary>--version was given: print <see cref="VersionText"/> and exit.</summary>
    public bool VersionRequested { get; }

    /// <summary>An empty command line (all defaults).</summary>
    public static BrokerCommandLine Empty { get; } = new(null, [], false, false);

    /// <summary>Parses <paramref name="args"/>; malformed input throws <see cref="ConfigException"/>.</summary>
    public static BrokerCommandLine Parse(IReadOnlyList<string> args)
    {
        string? configFile = null;
        var overrides = new List<KeyValuePair<string, string>>();
        bool help = false;
        bool version = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--help" or "-h" or "-?":
                    help = true;
                    continue;
                case "--version":
                    version = true;
                    continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (arg.StartsWith('-') || configFile is not null)
                {
                    throw new ConfigException($"Unexpected command-line argument '{arg}' (see --help)");
                }

                configFile = arg;
                continue;
            }

            string option = arg[2..];
            string? inlineValue = null;
            int eq = option.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                inlineValue = option[(eq + 1)..];
                option = option[..eq];
            }

            if (option.Length == 0)
            {
                throw new ConfigException($"Unexpected command-line argument '{arg}' (see --help)");
            }

            string value = inlineValue ?? TakeValue(args, ref i, arg);
            switch (option)
            {
                case "config":
                    if (configFile is not null)
                    {
                        throw new ConfigException("Only one configuration file may be given");
                    }

                    configFile = value;
                    break;
                case "override":
                    int sep = value.IndexOf('=', StringComparison.Ordinal);
                    if (sep <= 0)
                    {
                        throw new ConfigException($"--override expects key=value, got '{value}'");
                    }

                    overrides.Add(new KeyValuePair<string, string>(value[..sep].Trim(), value[(sep + 1)..]));
                    break;
                default:
                    overrides.Add(new KeyValuePair<string, string>(option, value));
                    break;
            }
        }

        return new BrokerCommandLine(configFile, overrides, help, version);
    }

    /// <summary>"brook &lt;version&gt;" from the assembly's informational version.</summary>
    public static string VersionText()
    {
        Assembly assembly = typeof(BrokerCommandLine).Assembly;
        string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString();
        return "brook " + (version ?? "unknown");
    }

    private static string TakeValue(IReadOnlyList<string> args, ref int i, string option)
    {
        // A following option is not a value: "--log.dirs --override x=y" is a mistake, not log.dirs="--override".
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ConfigException($"Missing value after '{option}'");
        }

        return args[++i];
    }
}
