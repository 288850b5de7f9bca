using Brook.Common.Config;
namespace Brook.Metadata.Records;

/// <summary>One listener a broker accepts connections on, as advertised to clients.</summary>
public sealed record BrokerEndpoint(string ListenerName, string Host, int Port, SecurityProtocol SecurityProtocol);
