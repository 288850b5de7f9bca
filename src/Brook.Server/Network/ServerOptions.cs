namespace Brook.Server.Network;

/// <summary>Network limits the connection handler enforces (Kafka names in comments).</summary>
public sealed class ServerOptions
{
    /// <summary>socket.request.max.bytes: a larger size prefix closes the connection before anything is buffered.</summary>
    public int SocketRequestMaxBytes { get; init; } = 100 * 1024 * 1024;
    /// <summary>Requests of one connection being handled or waiting to be answered before reading pauses (back-pressure).</summary>
    public int MaxInFlightPerConnection { get; init; } = 64;
    /// <summary>controller.listener.names: connections on these listeners are served the controller's APIs.</summary>
    public IReadOnlySet<string> ControllerListenerNames { get; init; } = new HashSet<string>();
}
