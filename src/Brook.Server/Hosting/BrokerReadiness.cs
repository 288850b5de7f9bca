namespace Brook.Server.Hosting;

/// <summary>
/// Opens client request processing once the broker has loaded its metadata and registered. Kestrel binds the listeners
/// before that (so an ephemeral port is known before registration, and quorum peers can reach the controller
/// listener); client connections made earlier are closed at once instead of seeing a half-started broker, as Kafka's
/// SocketServer binds early and enables request processing last.
/// </summary>
public sealed class BrokerReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when requests may be processed; faults when start-up failed.</summary>
    public Task Ready => _ready.Task;

    public void SetReady() => _ready.TrySetResult();

    public void SetFailed(Exception e) => _ready.TrySetException(e);
}
