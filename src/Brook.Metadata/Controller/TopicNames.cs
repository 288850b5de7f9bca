namespace Brook.Metadata;

/// <summary>Kafka's rules for topic names, and which topics are internal.</summary>
public static class TopicNames
{
    /// <summary>249, not 255: the partition directory name "&lt;topic&gt;-&lt;partition&gt;" must still fit a file name.</summary>
    public const int MaxLength = 249;

    public const string ConsumerOffsets = "__consumer_offsets";
    public const string TransactionState = "__transaction_state";

    /// <summary>Internal topics are reported with is_internal = true; other "__" names are ordinary topics.</summary>
    public static bool IsInternal(string name) => name is ConsumerOffsets or TransactionState;

    /// <summary>Why <paramref name="name"/> is not a legal topic name, or null when it is.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "Topic name must not be empty.";
        if (name is "." or "..") return $"Topic name '{name}' is not allowed.";
        if (name.Length > MaxLength) return $"Topic name is {name.Length} characters long; the limit is {MaxLength}.";
        foreach (var c in name)
        {
            if (!IsLegalChar(c))
                return $"Topic name '{name}' is illegal: only ASCII letters, digits, '.', '_' and '-' are allowed.";
        }
        return null;
    }

    /// <summary>
    /// Metric names turn '.' into '_', so "a.b" and "a_b" would report into the same metrics; Kafka therefore refuses to
    /// create a topic whose key equals an existing topic's key.
    /// </summary>
    public static string CollisionKey(string name) => name.Replace('.', '_');

    private static bool IsLegalChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '_' or '-';
}
