using Brook.Common;
using Brook.Protocol;

namespace Brook.Client;

/// <summary>No version of an API is spoken by both this client and the peer (or the peer does not serve the API at all).</summary>
public sealed class UnsupportedVersionException(string message, ApiKey apiKey)
    : KafkaException(ErrorCode.UnsupportedVersion, message)
{
    public ApiKey ApiKey { get; } = apiKey;
}
