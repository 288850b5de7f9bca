using System.CommandLine;
using Brook.Cli.Verbs;

namespace Brook.Cli;

/// <summary>
/// The <c>brook</c> client verbs (topic, group, produce, consume, cluster, perf, profile) as one System.CommandLine tree;
/// Brook.Host hands its arguments here when the first one is such a verb.
/// </summary>
public static class CliApplication
{
    /// <summary>The verbs this tool answers; anything else is the broker's own command line.</summary>
    public static readonly IReadOnlySet<string> Verbs = new HashSet<string>(StringComparer.Ordinal)
    {
        "topic", "group", "produce", "consume", "cluster", "perf", "profile",
    };

    // Global options that may come before the verb (brook --bootstrap HOST topic list), with and without a value.
    private static readonly HashSet<string> ValueOptions = new(StringComparer.Ordinal) { "--bootstrap", "-b", "--brokers", "--profile", "-X", "--property", "--timeout" };
    private static readonly HashSet<string> FlagOptions = new(StringComparer.Ordinal) { "--json", "--verbose", "-v" };

    /// <summary>Whether <paramref name="args"/> name a client verb (after any global options), rather than the broker's own flags.</summary>
    public static bool IsCliInvocation(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (FlagOptions.Contains(token)) continue;
            if (ValueOptions.Contains(token))
            {
                i++;
                continue;
            }
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && ValueOptions.Contains(token[..equals])) continue;
            return Verbs.Contains(token);
        }
        return false;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns an <see cref="ExitCodes"/> value.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var global = new GlobalOptions(output, error);
        var root = new RootCommand("brook: a Kafka-compatible broker and the tool to operate it (and any Kafka cluster)");
        global.AddTo(root);
        root.Add(TopicVerbs.Build(global));
        root.Add(GroupVerbs.Build(global));
        root.Add(ProduceVerb.Build(global));
        root.Add(ConsumeVerb.Build(global));
        root.Add(ClusterVerbs.Build(global));
        root.Add(PerfVerbs.Build(global));
        root.Add(ProfileVerbs.Build(global));
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            // System.CommandLine would answer 1; a usage error is 2 here, as for every Unix tool.
            foreach (var parseError in result.Errors) error.WriteLine($"brook: {parseError.Message}");
            error.WriteLine($"Run 'brook {string.Join(' ', CommandPath(result))} --help' for usage.");
            return ExitCodes.Usage;
        }
        return await result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<string> CommandPath(ParseResult result)
    {
        var names = new Stack<string>();
        for (var command = result.CommandResult; command.Parent is System.CommandLine.Parsing.CommandResult parent; command = parent)
            names.Push(command.Command.Name);
        return names;
    }
}
