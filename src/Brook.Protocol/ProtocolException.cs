using Brook.Common;

namespace Brook.Protocol;

/// <summary>A request that cannot be parsed: the connection that sent it is closed, as Kafka does.</summary>
public sealed class ProtocolException(string message, ErrorCode code = ErrorCode.CorruptMessage) : KafkaException(code, message);
