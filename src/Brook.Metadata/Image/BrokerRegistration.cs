using System.Collections.Immutable;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// A registered broker. <see cref="Epoch"/> is the log offset of the registration record, so it grows with every
/// re-registration, as Kafka's broker epoch does. <see cref="Status"/> is its standing with the controller: registrations
/// from before brokers were fenced (v0 records) are <see cref="BrokerStatus.Unfenced"/>.
/// </summary>
public sealed record BrokerRegistration(int Id, ImmutableArray<BrokerEndpoint> Endpoints, string? Rack, long Epoch,
    BrokerStatus Status = BrokerStatus.Unfenced)
{
    /// <summary>Fenced: no leaderships, no ISR membership, not shown to clients (KIP-631).</summary>
    public bool IsFenced => Status == BrokerStatus.Fenced;

    /// <summary>Unfenced but shutting down: still shown to clients, no longer a leader or placement candidate.</summary>
    public bool InControlledShutdown => Status == BrokerStatus.ControlledShutdown;

    /// <summary>
    /// May lead partitions, join ISRs and receive new replicas: unfenced and not shutting down (Kafka's "active" broker).
    /// </summary>
    public bool IsActive => Status == BrokerStatus.Unfenced;

    /// <summary>The endpoint of the named listener, or null when the broker does not have it.</summary>
    public BrokerEndpoint? FindEndpoint(string listenerName)
    {
        foreach (var e in Endpoints)
            if (string.Equals(e.ListenerName, listenerName, StringComparison.Ordinal)) return e;
        return null;
    }
}
