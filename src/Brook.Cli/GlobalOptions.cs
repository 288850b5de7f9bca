using System.CommandLine;
using Confluent.Kafka;

namespace Brook.Cli;

/// <summary>
/// The options every verb takes (<c>--bootstrap</c>, <c>--json</c>, <c>--profile</c>, <c>-X</c>, <c>--timeout</c>,
/// <c>--verbose</c>) and the one place a verb's body is run: settings resolved, failures turned into a line on stderr
/// and an <see cref="ExitCodes"/> value.
/// </summary>
public sealed class GlobalOptions
{
    private readonly TextWriter _out;
    private readonly TextWriter _error;

    /// <summary>Builds the options; verbs write to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public GlobalOptions(TextWriter output, TextWriter error)
    {
        _out = output;
        _error = error;
    }

    /// <summary>Bootstrap servers; else $BROOK_BROKERS, the profile's bootstrap.servers, or 127.0.0.1:9092.</summary>
    public Option<string?> Bootstrap { get; } = new("--bootstrap", "-b", "--brokers")
    {
        Description = "Bootstrap servers, host:port[,host:port...] (default: $BROOK_BROKERS, the profile's bootstrap.servers, 127.0.0.1:9092)",
        Recursive = true,
        HelpName = "host:port,...",
    };

    /// <summary>Machine-readable output.</summary>
    public Option<bool> Json { get; } = new("--json") { Description = "Print results as JSON instead of tables", Recursive = true };

    /// <summary>The client profile to read.</summary>
    public Option<string?> Profile { get; } = new("--profile")
    {
        Description = "Client profile to use (~/.config/brook/NAME.properties; default: $BROOK_PROFILE or 'default')",
        Recursive = true,
        HelpName = "name",
    };

    /// <summary>librdkafka properties, as kcat's -X.</summary>
    public Option<string[]> Property { get; } = new("-X", "--property")
    {
        Description = "A librdkafka client property key=value (security.protocol, sasl.username, ...); repeatable",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
        HelpName = "key=value",
    };

    /// <summary>Per-request timeout.</summary>
    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for the cluster's answer to each request",
        DefaultValueFactory = _ => 10,
        HelpName = "seconds",
        Recursive = true,
    };

    /// <summary>Shows librdkafka's log.</summary>
    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Show the Kafka client's own log on stderr", Recursive = true };

    /// <summary>Adds the options to <paramref name="root"/>.</summary>
    public void AddTo(RootCommand root)
    {
        root.Add(Bootstrap);
        root.Add(Json);
        root.Add(Profile);
        root.Add(Property);
        root.Add(Timeout);
        root.Add(Verbose);
    }

    /// <summary>
    /// Sets <paramref name="command"/>'s action to run <paramref name="body"/> with a resolved <see cref="CliContext"/>;
    /// <paramref name="createsProfile"/> marks the verb that may name a profile not written yet.
    /// </summary>
    public void Handle(Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> body, bool createsProfile = false) =>
        command.SetAction((result, cancellationToken) => RunAsync(result, body, createsProfile, cancellationToken));

    private async Task<int> RunAsync(ParseResult result, Func<ParseResult, CliContext, CancellationToken, Task<int>> body, bool createsProfile, CancellationToken cancellationToken)
    {
        var output = new CliOutput(_out, _error, result.GetValue(Json));
        try
        {
            var timeout = result.GetValue(Timeout);
            if (timeout <= 0 || double.IsNaN(timeout)) throw CliException.Usage("--timeout must be a positive number of seconds");
            var context = new CliContext(output, ClientProfile.Load(result.GetValue(Profile), mayBeMissing: createsProfile), result.GetValue(Bootstrap),
                result.GetValue(Property) ?? [], TimeSpan.FromSeconds(timeout), result.GetValue(Verbose));
            return await body(result, context, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            _error.WriteLine($"brook: {e.Message}");
            return e.ExitCode;
        }
        catch (KafkaException e) when (IsUnreachable(e.Error.Code))
        {
            _error.WriteLine($"brook: cannot reach the cluster at {BootstrapOf(result)}: {e.Error.Reason}");
            return ExitCodes.Unreachable;
        }
        catch (KafkaException e)
        {
            _error.WriteLine($"brook: {e.Error.Reason} ({e.Error.Code})");
            return ExitCodes.Failed;
        }
        catch (ArgumentException e)
        {
            // Confluent.Kafka rejects a malformed client property this way before anything is sent.
            _error.WriteLine($"brook: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
    }

    private string BootstrapOf(ParseResult result) =>
        result.GetValue(Bootstrap) ?? Environment.GetEnvironmentVariable("BROOK_BROKERS") ?? "the configured bootstrap servers";

    /// <summary>Errors that mean no broker answered, as opposed to a broker refusing.</summary>
    public static bool IsUnreachable(ErrorCode code) => code is ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown
        or ErrorCode.Local_TimedOut or ErrorCode.Local_Resolve or ErrorCode.RequestTimedOut or ErrorCode.Local_TimedOutQueue;
}
