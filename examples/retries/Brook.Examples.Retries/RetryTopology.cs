namespace Brook.Examples.Retries;

/// <summary>The topics of one retrying consumer: the main topic, one retry topic per attempt, and the dead-letter topic.</summary>
/// <param name="Topic">The main topic, e.g. <c>orders</c>.</param>
/// <param name="RetryCount">How many retry topics follow it (<c>orders.retry.1</c> .. <c>orders.retry.N</c>).</param>
public sealed record RetryTopology(string Topic, int RetryCount)
{
    /// <summary>The topic a record waits in before retry <paramref name="attempt"/> (1-based): <c>orders.retry.2</c>.</summary>
    public string RetryTopic(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(attempt, RetryCount);
        return $"{Topic}.retry.{attempt}";
    }

    /// <summary>Where a record goes when it is out of retries or not worth retrying: <c>orders.dlt</c>.</summary>
    public string DeadLetterTopic => $"{Topic}.dlt";

    /// <summary>
    /// The topic consumed at <paramref name="level"/>: the main topic at 0, retry topic N at N. Each level is its own
    /// consumer, so a record waiting out a long backoff never holds up the main topic.
    /// </summary>
    public string TopicAt(int level) => level == 0 ? Topic : RetryTopic(level);

    /// <summary>Every topic of the layout in order: main, retries, dead letters (create them all with the same partition count).</summary>
    public IReadOnlyList<string> Topics => [Topic, .. Enumerable.Range(1, RetryCount).Select(RetryTopic), DeadLetterTopic];
}
