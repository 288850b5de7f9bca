namespace Brook.Common.Config;

/// <summary>The process environment as name/value pairs, for the environment-variable configuration layers.</summary>
internal static class EnvironmentVariables
{
    public static IEnumerable<KeyValuePair<string, string>> OfProcess()
    {
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value)
            {
                yield return new KeyValuePair<string, string>(name, value);
            }
        }
    }
}
