namespace Brook.Client;

/// <summary>
/// The connection to a broker could not be opened, or it broke: every request still pending on it fails with this.
/// </summary>
/// <remarks>
/// Kafka's clients treat a disconnect as retriable (DisconnectException), but a request that was already written may
/// have been processed by the peer; whether to resend is the caller's decision, so the client never retries on its own.
/// The <see cref="Exception.InnerException"/> says why the connection went down (peer closed, a request timed out,
/// a protocol violation, a local close).
/// </remarks>
public sealed class KafkaConnectionException : IOException
{
    public KafkaConnectionException(string message) : base(message) { }

    public KafkaConnectionException(string message, Exception? inner) : base(message, inner) { }
}
