using System.Net;

namespace Brook.Client;

/// <summary>Settings of one <see cref="KafkaConnection"/>; the defaults are Kafka's client defaults where Kafka has one.</summary>
public sealed record KafkaConnectionOptions
{
    /// <summary>The defaults.</summary>
    public static KafkaConnectionOptions Default { get; } = new();

    /// <summary>The client id in every request header; brokers log it and quotas key on it.</summary>
    public string ClientId { get; init; } = "brook";

    /// <summary>
    /// The local address the socket binds before connecting, or null for the OS's choice. Inter-node connections leave
    /// from the node's own address, so nodes on 127.0.0.1/.2/.3 can be cut apart by address with a firewall.
    /// </summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>How long a TCP connect may take (Kafka's socket.connection.setup.timeout.ms, without its growth on repeated failures).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Default time a request may wait for its response (Kafka's request.timeout.ms); a per-call timeout overrides it.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests written but not yet answered, at most (Kafka's max.in.flight.requests.per.connection); further sends wait.</summary>
    public int MaxInFlight { get; init; } = 32;

    /// <summary>
    /// Largest response frame accepted. A bigger size prefix closes the connection before anything is buffered: it is a
    /// broken or hostile peer, or a stream we lost our place in. Kafka's socket.request.max.bytes default.
    /// </summary>
    public int MaxResponseBytes { get; init; } = 100 * 1024 * 1024;

    /// <summary>Sent in ApiVersions v3+ (KIP-511); brokers show it in their client metrics.</summary>
    public string ClientSoftwareName { get; init; } = "brook";

    /// <summary>Sent in ApiVersions v3+ (KIP-511). KIP-511 allows only letters, digits, '.' and '-'.</summary>
    public string ClientSoftwareVersion { get; init; } = "1.0";

    /// <summary>Clock for the connect and request timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
