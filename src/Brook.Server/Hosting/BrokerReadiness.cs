namespace Brook.Server.Hosting;

/// <summary>
/// Opens client request processing once the broker has loaded its metadata and registered, and closes connections once
/// it has handed its work over at shutdown. Kestrel binds the listeners before start-up completes (so an ephemeral port
/// is known before registration, and quorum peers can reach the controller listener); client connections made earlier
/// are closed at once instead of seeing a half-started broker, as Kafka's SocketServer binds early and enables request
/// processing last. At shutdown connections stay open through the controlled shutdown — clients are told of the new
/// leaders (NOT_LEADER_OR_FOLLOWER) by a broker that still answers, and the other brokers' heartbeats still reach this
/// node if it is the controller — and are dropped after it (<see cref="Closing"/>).
/// </summary>
public sealed class BrokerReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closing = new();

    /// <summary>Completes when requests may be processed; faults when start-up failed.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Cancelled when the broker stops serving: open connections are dropped then.</summary>
    public CancellationToken Closing => _closing.Token;

    public void SetReady() => _ready.TrySetResult();

    public void SetFailed(Exception e)
    {
        _ready.TrySetException(e);
        SetClosing();
    }

    /// <summary>Drops every open connection (Kafka connections have no graceful close).</summary>
    public void SetClosing()
    {
        try
        {
            _closing.Cancel();
        }
        catch (AggregateException) { }
    }
}
