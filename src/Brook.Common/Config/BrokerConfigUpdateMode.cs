namespace Brook.Common.Config;

/// <summary>How a broker key may change at run time (KIP-226), the "Update Mode" column of Kafka's broker config table.</summary>
public enum BrokerConfigUpdateMode
{
    /// <summary>Only server.properties, environment or command line; a change needs a restart.</summary>
    ReadOnly,

    /// <summary>Dynamic, but only on one broker's own resource (its id), never as the cluster-wide default.</summary>
    PerBroker,

    /// <summary>Dynamic on a broker's own resource and as the cluster-wide default (empty resource name).</summary>
    ClusterWide,
}
