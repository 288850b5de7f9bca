namespace Brook.Cli;

/// <summary>What a <c>brook</c> CLI verb's exit code means, so scripts can tell a refused request from a typo.</summary>
public static class ExitCodes
{
    /// <summary>Everything asked for was done.</summary>
    public const int Ok = 0;

    /// <summary>The cluster answered with an error (topic exists, unknown group, group not inactive, ...).</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: unknown verb or option, missing or malformed value. Nothing was sent.</summary>
    public const int Usage = 2;

    /// <summary>The cluster could not be reached or did not answer in time.</summary>
    public const int Unreachable = 3;
}
