namespace Brook.Common.Config;

/// <summary>How much an operator is expected to care about a key (used to order the --help output, as Kafka's docs do).</summary>
public enum ConfigImportance
{
    High,
    Medium,
    Low,
}
