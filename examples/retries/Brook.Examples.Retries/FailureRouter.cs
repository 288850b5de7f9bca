using Confluent.Kafka;

namespace Brook.Examples.Retries;

/// <summary>Where a record whose handler failed goes next, and the copy of it that goes there.</summary>
/// <param name="Topic">The next retry topic, or the dead-letter topic.</param>
/// <param name="Message">The record as it is forwarded: key, value and application headers unchanged, retry headers rewritten.</param>
/// <param name="IsDeadLetter">Whether this is the end of the line.</param>
internal sealed record ForwardedRecord(string Topic, Message<string, string> Message, bool IsDeadLetter);

/// <summary>
/// Decides what happens to a failed record: the next retry topic with its backoff, or the dead-letter topic. Pure
/// (the clock is a parameter), so the decision is separate from the consuming and producing.
/// </summary>
internal sealed class FailureRouter(RetryOptions options)
{
    private readonly RetryTopology _topology = options.Topology;

    /// <summary>The forwarded copy of <paramref name="failed"/>, consumed at <paramref name="level"/>, that failed with <paramref name="error"/> at <paramref name="now"/>.</summary>
    public ForwardedRecord Route(ConsumeResult<string, string> failed, int level, Exception error, DateTimeOffset now)
    {
        var headers = RetryHeaders.WithoutRetryHeaders(failed.Message.Headers);
        WriteOrigin(headers, failed, level);
        RetryHeaders.Set(headers, RetryHeaders.ErrorType, error.GetType().FullName ?? error.GetType().Name);
        RetryHeaders.Set(headers, RetryHeaders.ErrorMessage, Truncate(error.Message));

        var retryable = options.IsRetryable(error);
        string topic;
        if (retryable && level < options.RetryCount)
        {
            var attempt = level + 1;
            topic = _topology.RetryTopic(attempt);
            RetryHeaders.Set(headers, RetryHeaders.Attempt, attempt);
            // An absolute time rather than a delay: however late the retry consumer reads the record (it was down,
            // it is behind), it waits only for what is left of the backoff.
            RetryHeaders.Set(headers, RetryHeaders.NotBefore, (now + options.DelayBefore(attempt)).ToUnixTimeMilliseconds());
        }
        else
        {
            topic = _topology.DeadLetterTopic;
            RetryHeaders.Set(headers, RetryHeaders.Attempt, level);
            RetryHeaders.Set(headers, RetryHeaders.DeadLetterReason, retryable
                ? $"retries exhausted: {level + 1} attempts failed"
                : $"not retryable: {error.GetType().Name} on attempt {level + 1}");
        }

        // Same key: the record keeps its partitioning (and so its ordering relative to the same key) in the next topic.
        var message = new Message<string, string> { Key = failed.Message.Key, Value = failed.Message.Value, Headers = headers };
        return new ForwardedRecord(topic, message, IsDeadLetter: topic == _topology.DeadLetterTopic);
    }

    /// <summary>
    /// Where the record was first consumed. A record from the main topic is its own origin; one from a retry topic
    /// carries its origin along, so the dead-letter topic points at the record as the producer wrote it.
    /// </summary>
    private static void WriteOrigin(Headers headers, ConsumeResult<string, string> failed, int level)
    {
        var inherited = failed.Message.Headers;
        var topic = level > 0 ? RetryHeaders.GetString(inherited, RetryHeaders.OriginalTopic) : null;
        if (topic is not null)
        {
            RetryHeaders.Set(headers, RetryHeaders.OriginalTopic, topic);
            RetryHeaders.Set(headers, RetryHeaders.OriginalPartition, RetryHeaders.GetString(inherited, RetryHeaders.OriginalPartition) ?? "");
            RetryHeaders.Set(headers, RetryHeaders.OriginalOffset, RetryHeaders.GetString(inherited, RetryHeaders.OriginalOffset) ?? "");
            return;
        }
        RetryHeaders.Set(headers, RetryHeaders.OriginalTopic, failed.Topic);
        RetryHeaders.Set(headers, RetryHeaders.OriginalPartition, failed.Partition.Value);
        RetryHeaders.Set(headers, RetryHeaders.OriginalOffset, failed.Offset.Value);
    }

    private static string Truncate(string message) =>
        message.Length <= RetryHeaders.MaxErrorMessageLength ? message : message[..RetryHeaders.MaxErrorMessageLength];
}
