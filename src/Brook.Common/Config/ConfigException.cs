namespace Brook.Common.Config;

/// <summary>An invalid configuration value or command line; the broker must refuse to start on it.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConfigException(string key, string? value, string source, string reason)
        : base(FormatMessage(key, value, source, reason))
    {
        Key = key;
        Value = value;
        Origin = source;
    }

    public ConfigException()
    {
    }

    /// <summary>The offending key, when the error is about one key.</summary>
    public string? Key { get; }

    /// <summary>The offending raw value as written by the operator.</summary>
    public string? Value { get; }

    /// <summary>Where the value came from (e.g. "server.properties:12", "environment BROOK_NUM_PARTITIONS", "command line").</summary>
    public string? Origin { get; }

    private static string FormatMessage(string key, string? value, string source, string reason) =>
        $"Invalid value {(value is null ? "null" : "'" + value + "'")} for configuration '{key}' (from {source}): {reason}";
}
