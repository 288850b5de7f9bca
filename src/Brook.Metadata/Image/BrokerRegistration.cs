using System.Collections.Immutable;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>
/// A registered broker. <see cref="Epoch"/> is the log offset of the registration record, so it grows with every
/// re-registration, as Kafka's broker epoch does.
/// </summary>
public sealed record BrokerRegistration(int Id, ImmutableArray<BrokerEndpoint> Endpoints, string? Rack, long Epoch)
{
    /// <summary>The endpoint of the named listener, or null when the broker does not have it.</summary>
    public BrokerEndpoint? FindEndpoint(string listenerName)
    {
        foreach (var e in Endpoints)
            if (string.Equals(e.ListenerName, listenerName, StringComparison.Ordinal)) return e;
        return null;
    }
}
