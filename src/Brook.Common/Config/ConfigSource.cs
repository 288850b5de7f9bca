namespace Brook.Common.Config;

/// <summary>Where an effective config value came from; numbers are the wire values of DescribeConfigs (v1+) ConfigSource.</summary>
public enum ConfigSource : sbyte
{
    Unknown = 0,

    /// <summary>A per-topic override (Kafka names it DYNAMIC_TOPIC_CONFIG / TOPIC_CONFIG).</summary>
    TopicConfig = 1,
    DynamicBrokerConfig = 2,
    DynamicDefaultBrokerConfig = 3,

    /// <summary>Set explicitly for the broker: properties file, BROOK_* environment variable or command line.</summary>
    StaticBrokerConfig = 4,

    /// <summary>Nobody set it; the built-in default applies.</summary>
    DefaultConfig = 5,
}
