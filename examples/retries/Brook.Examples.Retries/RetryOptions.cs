using Confluent.Kafka;

namespace Brook.Examples.Retries;

/// <summary>How a <see cref="RetryingConsumer"/> connects, names its topics and groups, and backs off.</summary>
public sealed record RetryOptions
{
    /// <summary>bootstrap.servers of the cluster.</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>The main topic; the retry and dead-letter topics are named after it (see <see cref="RetryTopology"/>).</summary>
    public required string Topic { get; init; }

    /// <summary>The consumer group of the main topic; retry level N consumes in <c>{GroupId}.retry.N</c>.</summary>
    public required string GroupId { get; init; }

    /// <summary>Retries after the first attempt (one retry topic each); 0 sends every failure straight to the dead-letter topic.</summary>
    public int RetryCount { get; init; } = 3;

    /// <summary>The wait before retry 1; retry N waits <c>BaseDelay * 2^(N-1)</c> (1 s, 2 s, 4 s, ... by default).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether a failure can succeed on a later attempt. Errors that never will (a payload that does not parse, a
    /// failed validation) go straight to the dead-letter topic instead of waiting out every backoff. All are retryable by default.
    /// </summary>
    public Func<Exception, bool> IsRetryable { get; init; } = _ => true;

    /// <summary>Where progress and failures are reported, one line per call; null: nowhere.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Adjusts each consumer's configuration (security settings, session timeouts, ...) after the defaults are set.</summary>
    public Action<ConsumerConfig>? ConfigureConsumer { get; init; }

    /// <summary>Adjusts the producer's configuration after the defaults (idempotent, acks=all) are set.</summary>
    public Action<ProducerConfig>? ConfigureProducer { get; init; }

    /// <summary>The topic layout these options describe.</summary>
    public RetryTopology Topology => new(Topic, RetryCount);

    /// <summary>The consumer group of <paramref name="level"/> (0: the main topic).</summary>
    public string GroupIdAt(int level) => level == 0 ? GroupId : $"{GroupId}.retry.{level}";

    /// <summary>The backoff before retry <paramref name="attempt"/> (1-based): exponential, doubling per attempt.</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        return BaseDelay * Math.Pow(2, attempt - 1);
    }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(BootstrapServers);
        ArgumentException.ThrowIfNullOrWhiteSpace(Topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(GroupId);
        ArgumentOutOfRangeException.ThrowIfNegative(RetryCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(BaseDelay, TimeSpan.Zero);
    }
}
