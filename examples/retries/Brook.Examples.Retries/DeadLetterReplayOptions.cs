using Confluent.Kafka;

namespace Brook.Examples.Retries;

/// <summary>What a <see cref="DeadLetterReplayer"/> reads, where it writes, and how much.</summary>
public sealed record DeadLetterReplayOptions
{
    /// <summary>bootstrap.servers of the cluster.</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>The dead-letter topic to drain, e.g. <c>orders.dlt</c>.</summary>
    public required string DeadLetterTopic { get; init; }

    /// <summary>Where to send every record; null: back to each record's <c>original-topic</c> header.</summary>
    public string? TargetTopic { get; init; }

    /// <summary>The consumer group whose committed offsets remember what was replayed; <c>{DeadLetterTopic}.replayer</c> when null.</summary>
    public string? GroupId { get; init; }

    /// <summary>Replay at most this many records; null: everything the topic held when the replay started.</summary>
    public int? MaxRecords { get; init; }

    /// <summary>Where progress is reported, one line per call; null: nowhere.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Adjusts the consumer's configuration after the defaults are set.</summary>
    public Action<ConsumerConfig>? ConfigureConsumer { get; init; }

    /// <summary>Adjusts the producer's configuration after the defaults (idempotent, acks=all) are set.</summary>
    public Action<ProducerConfig>? ConfigureProducer { get; init; }

    /// <summary>The consumer group in effect.</summary>
    public string EffectiveGroupId => GroupId ?? $"{DeadLetterTopic}.replayer";
}
