using System.Text.RegularExpressions;

namespace Brook.Coordination.Model;

/// <summary>
/// Compiled subscription regexes (KIP-848's SubscribedTopicRegex). Kafka uses RE2/J syntax; .NET's engine accepts the
/// common subset (classes, alternation, quantifiers), so simple patterns behave the same. A pattern must match a topic
/// name in full, as RE2/J's <c>matches()</c> does. Not thread-safe: used under the coordinator's lock.
/// </summary>
internal sealed class TopicRegexCache
{
    private const int MaxEntries = 1024;
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);
    private readonly Dictionary<string, Regex?> _compiled = new(StringComparer.Ordinal);

    /// <summary>False for a pattern .NET cannot parse (INVALID_REGULAR_EXPRESSION).</summary>
    public bool TryGet(string pattern, out Regex regex)
    {
        if (!_compiled.TryGetValue(pattern, out var cached))
        {
            try
            {
                cached = new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant, MatchTimeout);
            }
            catch (ArgumentException)
            {
                cached = null;
            }
            if (_compiled.Count >= MaxEntries) _compiled.Clear();
            _compiled[pattern] = cached;
        }
        regex = cached!;
        return cached is not null;
    }

    public bool IsMatch(string pattern, string topic)
    {
        if (!TryGet(pattern, out var regex)) return false;
        try
        {
            return regex.IsMatch(topic);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
