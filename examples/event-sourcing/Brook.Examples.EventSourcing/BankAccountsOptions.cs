namespace Brook.Examples.EventSourcing;

/// <summary>Where the service finds its broker and which topics and consumer group it uses.</summary>
public sealed record BankAccountsOptions
{
    /// <summary>bootstrap.servers of the Kafka (or Brook) cluster.</summary>
    public string BootstrapServers { get; init; } = "127.0.0.1:9092";

    /// <summary>The event log: every accepted command's event, keyed by account id, kept forever (cleanup.policy=delete, retention.ms=-1).</summary>
    public string EventsTopic { get; init; } = "account-events";

    /// <summary>The latest state of every account, keyed by account id (cleanup.policy=compact): what a new instance rebuilds from.</summary>
    public string StateTopic { get; init; } = "account-state";

    /// <summary>The projector's consumer group on <see cref="EventsTopic"/>: its committed offsets say which events the state topic already reflects.</summary>
    public string ProjectorGroupId { get; init; } = "account-projector";

    /// <summary>
    /// Partitions of both topics when the service creates them. They must be equal: an account's events and its state
    /// then land in the same partition number, and per-partition order is per-account order.
    /// </summary>
    public int Partitions { get; init; } = 3;

    /// <summary>Extra topic configs for <see cref="StateTopic"/> at creation (say segment.bytes and min.cleanable.dirty.ratio to see compaction soon).</summary>
    public IReadOnlyDictionary<string, string> StateTopicConfig { get; init; } = new Dictionary<string, string>();

    /// <summary>The longest a query with <c>minVersion</c> waits for the read model to catch up.</summary>
    public TimeSpan MaxReadYourWritesWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an append may take to be acknowledged before the command fails (the producer's message.timeout.ms).</summary>
    public TimeSpan AppendTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
