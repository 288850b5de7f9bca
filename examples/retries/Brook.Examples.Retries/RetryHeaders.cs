using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Brook.Examples.Retries;

/// <summary>The headers a retried or dead-lettered record carries, and helpers to read them; values are UTF-8 text so kcat and the web console show them as is.</summary>
public static class RetryHeaders
{
    /// <summary>The retry this record is waiting for (1-based) in a retry topic; in the dead-letter topic, the retries that were made.</summary>
    public const string Attempt = "retry-attempt";

    /// <summary>Unix time in milliseconds before which a retry consumer must not hand the record to the handler.</summary>
    public const string NotBefore = "retry-not-before";

    /// <summary>The topic the record was first consumed from.</summary>
    public const string OriginalTopic = "original-topic";

    /// <summary>Its partition there.</summary>
    public const string OriginalPartition = "original-partition";

    /// <summary>Its offset there: with <see cref="OriginalTopic"/> and <see cref="OriginalPartition"/>, where to find the record as first written.</summary>
    public const string OriginalOffset = "original-offset";

    /// <summary>The full .NET type name of the exception of the latest attempt.</summary>
    public const string ErrorType = "error-type";

    /// <summary>Its message (truncated to <see cref="MaxErrorMessageLength"/> characters).</summary>
    public const string ErrorMessage = "error-message";

    /// <summary>Why the record was dead-lettered: retries exhausted, or an error not worth retrying.</summary>
    public const string DeadLetterReason = "dlt-reason";

    /// <summary>Error messages are cut to this length: a header is not the place for a multi-megabyte stack dump.</summary>
    public const int MaxErrorMessageLength = 2000;

    private static readonly HashSet<string> Owned =
        [Attempt, NotBefore, OriginalTopic, OriginalPartition, OriginalOffset, ErrorType, ErrorMessage, DeadLetterReason];

    /// <summary>Whether <paramref name="key"/> is one of the headers the retry machinery writes (as opposed to the application's own).</summary>
    public static bool IsRetryHeader(string key) => Owned.Contains(key);

    /// <summary>A copy of <paramref name="headers"/> without the retry headers: the application's headers, in their order.</summary>
    public static Headers WithoutRetryHeaders(Headers? headers)
    {
        var copy = new Headers();
        if (headers is null) return copy;
        foreach (var header in headers)
        {
            if (!IsRetryHeader(header.Key)) copy.Add(header.Key, header.GetValueBytes());
        }
        return copy;
    }

    /// <summary>The last value of header <paramref name="key"/> as text, or null when the record has none.</summary>
    public static string? GetString(Headers? headers, string key) =>
        headers is not null && headers.TryGetLastBytes(key, out var bytes) && bytes is not null ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>The last value of header <paramref name="key"/> as a number, or null when it is missing or not a number.</summary>
    public static long? GetLong(Headers? headers, string key) =>
        long.TryParse(GetString(headers, key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The retry a record in a retry topic waits for (1-based); null for a record that has not failed yet.</summary>
    public static int? GetAttempt(ConsumeResult<string, string> result) => (int?)GetLong(result.Message.Headers, Attempt);

    internal static void Set(Headers headers, string key, string value)
    {
        headers.Remove(key);
        headers.Add(key, Encoding.UTF8.GetBytes(value));
    }

    internal static void Set(Headers headers, string key, long value) => Set(headers, key, value.ToString(CultureInfo.InvariantCulture));
}
