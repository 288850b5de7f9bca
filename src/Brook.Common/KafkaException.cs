namespace Brook.Common;

/// <summary>An error that maps to a Kafka error code; handlers turn it into that code in the response.</summary>
public class KafkaException(ErrorCode code, string message) : Exception(message)
{
    public ErrorCode Code { get; } = code;
}
