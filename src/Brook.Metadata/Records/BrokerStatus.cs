namespace Brook.Metadata.Records;

/// <summary>
/// Where a registered broker stands with the controller (KIP-631's broker states as the controller keeps them). Only an
/// <see cref="Unfenced"/> broker may lead partitions, join ISRs or receive new replicas; clients are shown unfenced
/// brokers (including those in controlled shutdown, which still serve until they stop).
/// </summary>
public enum BrokerStatus : sbyte
{
    /// <summary>Alive and caught up with the metadata: a leader candidate.</summary>
    Unfenced = 0,

    /// <summary>Just registered (not yet caught up), silent for broker.session.timeout.ms, or shut down.</summary>
    Fenced = 1,

    /// <summary>
    /// Unfenced but shutting down (a heartbeat asked WantShutDown): its leaderships are being moved away and it gets no
    /// new ones; once it leads nothing the controller lets it stop, and it is fenced.
    /// </summary>
    ControlledShutdown = 2,
}
