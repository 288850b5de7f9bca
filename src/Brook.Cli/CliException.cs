namespace Brook.Cli;

/// <summary>A failure a verb reports as one clear line on stderr with <see cref="ExitCode"/>, instead of a stack trace.</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Failed) : Exception(message)
{
    /// <summary>One of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>A usage error (exit 2): the arguments cannot mean anything.</summary>
    public static CliException Usage(string message) => new(message, ExitCodes.Usage);
}
