using Confluent.Kafka;

namespace Brook.Examples.Retries;

/// <summary>
/// Consumes a topic with non-blocking retries: a record whose handler throws is parked in the next retry topic with
/// an exponentially growing backoff, and after the last retry (or on an error not worth retrying) in the dead-letter
/// topic, while the main topic keeps flowing. At-least-once: every record is handled successfully or dead-lettered,
/// never dropped; a crash may repeat a handler call, so the handler must be idempotent.
/// </summary>
public sealed class RetryingConsumer
{
    private readonly RetryOptions _options;
    private readonly Func<ConsumeResult<string, string>, CancellationToken, Task> _handler;

    /// <summary>A consumer of <see cref="RetryOptions.Topic"/> and its retry topics that calls <paramref name="handler"/> for each record.</summary>
    /// <param name="options">Connection, topic layout and backoff.</param>
    /// <param name="handler">
    /// The application's processing. Throwing schedules a retry; returning marks the record done. It receives records
    /// from the main topic and from the retry topics alike (<see cref="RetryHeaders.GetAttempt"/> tells which attempt).
    /// </param>
    public RetryingConsumer(RetryOptions options, Func<ConsumeResult<string, string>, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        _options = options;
        _handler = handler;
    }

    /// <summary>The producer configuration for forwarded records: idempotent with acks=all, so a forward is durable once acknowledged and a client retry does not duplicate it.</summary>
    public static ProducerConfig ProducerConfig(string bootstrapServers) => new()
    {
        BootstrapServers = bootstrapServers,
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = 5,
    };

    /// <summary>
    /// Runs the main-topic consumer and one consumer per retry topic until <paramref name="cancellationToken"/> is
    /// cancelled. Completes when they have all left their groups; faults (and stops the others) if one of them fails,
    /// for instance when a failed record cannot be forwarded.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var config = ProducerConfig(_options.BootstrapServers);
        _options.ConfigureProducer?.Invoke(config);
        using var producer = new ProducerBuilder<string, string>(config)
            .SetErrorHandler((_, error) => _options.Log?.Invoke($"producer error {error.Code}: {error.Reason}"))
            .Build();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stages = Enumerable.Range(0, _options.RetryCount + 1)
            .Select(level => Task.Factory.StartNew(() =>
            {
                try
                {
                    new RetryStage(level, _options, producer, _handler).Run(stop.Token);
                }
                catch
                {
                    stop.Cancel(); // one level down stops them all: better stopped than half running
                    throw;
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToList();
        try
        {
            await Task.WhenAll(stages).ConfigureAwait(false);
        }
        finally
        {
            // Every forward was awaited before its commit, so nothing is outstanding; Flush is a safety net.
            producer.Flush(TimeSpan.FromSeconds(10));
        }
    }
}
