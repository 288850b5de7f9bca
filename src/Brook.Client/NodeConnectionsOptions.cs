namespace Brook.Client;

/// <summary>Settings of a <see cref="NodeConnections"/> pool: the connection settings plus Kafka's reconnect backoff.</summary>
public sealed record NodeConnectionsOptions
{
    /// <summary>Settings of every connection the pool opens.</summary>
    public KafkaConnectionOptions Connection { get; init; } = KafkaConnectionOptions.Default;

    /// <summary>Wait after the first failure or disconnect before connecting again (Kafka's reconnect.backoff.ms).</summary>
    public TimeSpan ReconnectBackoff { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The wait doubles per consecutive failure up to this (Kafka's reconnect.backoff.max.ms); ±20 % jitter.</summary>
    public TimeSpan ReconnectBackoffMax { get; init; } = TimeSpan.FromSeconds(1);
}
