namespace Brook.Metadata.Records;

/// <summary>What a <see cref="ConfigRecord"/> configures; the values are Kafka's ConfigResource type ids.</summary>
public enum ConfigResourceType : sbyte
{
    Topic = 2,
    Broker = 4,
}
