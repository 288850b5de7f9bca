using Confluent.Kafka;

namespace Brook.Examples.EventSourcing;

/// <summary>
/// Retries a blocking client call that failed on a retriable error. Start-up meets them on any Kafka cluster: a new
/// group's coordinator is still loading its partition of __consumer_offsets (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS),
/// a new topic's leader is not known everywhere yet. librdkafka retries produce and fetch itself, but not these one-off calls.
/// </summary>
public static class KafkaRetry
{
    /// <summary>Runs <paramref name="call"/> until it succeeds, a fatal error, or <paramref name="within"/> has passed.</summary>
    public static T Run<T>(Func<T> call, TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return call();
            }
            catch (KafkaException e) when (!e.Error.IsFatal && DateTime.UtcNow < deadline)
            {
                // A short pause, then again; cancellation (shutdown) ends the wait at once.
                if (cancellationToken.WaitHandle.WaitOne(200)) cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }
}
