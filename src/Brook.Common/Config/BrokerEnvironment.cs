namespace Brook.Common.Config;

/// <summary>Maps BROOK_* environment variables to configuration keys, as the Kafka docker images do with KAFKA_*.</summary>
/// <remarks>
/// The variable name after the prefix is lower-cased; a single '_' becomes '.', and '__' becomes a literal '_'.
/// So BROOK_LOG_DIRS → log.dirs, BROOK_NUM_PARTITIONS → num.partitions, BROOK_BROOK_LOG_FLUSH_ON_ACK →
/// brook.log.flush.on.ack, and a hypothetical key "a_b.c" is BROOK_A__B_C. Only variables whose name starts with exactly
/// "BROOK_" (upper case) are considered; every one of them is treated as a config key, so an unrelated BROOK_* variable
/// shows up as an unknown-key warning.
/// </remarks>
public static class BrokerEnvironment
{
    public const string Prefix = "BROOK_";

    /// <summary>The config key for <paramref name="variableName"/>, or null if it does not carry the BROOK_ prefix.</summary>
    public static string? ToConfigKey(string variableName)
    {
        if (!variableName.StartsWith(Prefix, StringComparison.Ordinal) || variableName.Length == Prefix.Length)
        {
            return null;
        }

        return KeyOf(variableName[Prefix.Length..]);
    }

    /// <summary>A variable name after its prefix as a key: lower-cased, '__' a literal '_', any other '_' a '.'.</summary>
    internal static string KeyOf(string rest)
    {
        rest = rest.ToLowerInvariant();
        var chars = new char[rest.Length];
        int n = 0;
        for (int i = 0; i < rest.Length; i++)
        {
            if (rest[i] != '_')
            {
                chars[n++] = rest[i];
            }
            else if (i + 1 < rest.Length && rest[i + 1] == '_')
            {
                chars[n++] = '_';
                i++;
            }
            else
            {
                chars[n++] = '.';
            }
        }

        return new string(chars, 0, n);
    }

    /// <summary>The environment variable that sets <paramref name="key"/> (inverse of <see cref="ToConfigKey"/>).</summary>
    public static string ToVariableName(string key) =>
        Prefix + key.Replace("_", "__", StringComparison.Ordinal).Replace('.', '_').ToUpperInvariant();

    /// <summary>The BROOK_* variables of <paramref name="environment"/> (the process environment when null) as key/value/variable triples.</summary>
    public static IReadOnlyList<(string Key, string Value, string Variable)> Read(IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        environment ??= EnvironmentVariables.OfProcess();
        var result = new List<(string, string, string)>();
        foreach (KeyValuePair<string, string> pair in environment)
        {
            string? key = ToConfigKey(pair.Key);
            if (key is not null)
            {
                result.Add((key, pair.Value, pair.Key));
            }
        }

        // Environment enumeration order is unspecified; sort so warnings and errors come out deterministically.
        result.Sort((a, b) => string.CompareOrdinal(a.Item3, b.Item3));
        return result;
    }
}
