namespace Brook.Cli;

/// <summary>Parses the <c>key=value</c> arguments that configs, headers and client properties are given as.</summary>
public static class KeyValue
{
    /// <summary>Splits at the first '='; a missing '=' or empty key is a usage error naming <paramref name="option"/>.</summary>
    public static (string Key, string Value) Parse(string text, string option)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0) throw CliException.Usage($"{option} expects key=value, not '{text}'");
        return (text[..equals], text[(equals + 1)..]);
    }

    /// <summary>Parses every item of <paramref name="texts"/>; a repeated key keeps its last value.</summary>
    public static Dictionary<string, string> ParseAll(IEnumerable<string>? texts, string option)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in texts ?? [])
        {
            var (key, value) = Parse(text, option);
            result[key] = value;
        }
        return result;
    }
}
