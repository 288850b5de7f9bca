using Brook.Protocol;

namespace Brook.Client;

/// <summary>A request got no response within its timeout (Kafka's request.timeout.ms).</summary>
/// <remarks>
/// Once a request is on the wire nobody knows where its response would start in the stream, so a timeout closes the
/// connection, as Kafka's NetworkClient does (the other requests in flight fail with a
/// <see cref="KafkaConnectionException"/> whose inner exception is this one). A request that timed out while still
/// waiting for an in-flight slot was never sent; then <see cref="WasSent"/> is false and the connection stays open.
/// </remarks>
public sealed class RequestTimeoutException : TimeoutException
{
    public RequestTimeoutException(string message, ApiKey apiKey, bool wasSent) : base(message)
    {
        ApiKey = apiKey;
        WasSent = wasSent;
    }

    public ApiKey ApiKey { get; }

    /// <summary>True if the request was written to the connection (which the timeout then closed).</summary>
    public bool WasSent { get; }
}
