using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Metadata.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Server;

/// <summary>
/// The broker's side of KIP-631, as Kafka's BrokerLifecycleManager runs it: register with the active controller (retried
/// for initial.broker.registration.timeout.ms), then heartbeat every broker.heartbeat.interval.ms with the broker epoch
/// and the offset of the metadata image this broker has, which is what lets the controller unfence it (caught up with
/// its registration) and keeps it unfenced (a broker silent for broker.session.timeout.ms is fenced). While fenced or
/// shutting down it heartbeats every few tens of milliseconds so start-up and controlled shutdown are not held back by
/// the interval. STALE_BROKER_EPOCH or BROKER_ID_NOT_REGISTERED make it register again. Controlled shutdown: heartbeats
/// ask WantShutDown until the controller answers ShouldShutDown (its leaderships moved away), bounded in time.
/// </summary>
public sealed class BrokerHeartbeatLoop : IAsyncDisposable
{
    /// <summary>The pace of heartbeats while waiting for the controller to unfence this broker or let it shut down.</summary>
    private static readonly TimeSpan EagerInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan RegistrationBackoff = TimeSpan.FromMilliseconds(200);

    private readonly BrokerConfig _config;
    private readonly IControllerChannel _controller;
    private readonly MetadataView _metadata;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _sessionTimeout;
    private readonly TaskCompletionSource _unfenced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _shutdownGranted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private IReadOnlyList<BrokerEndpoint> _endpoints = [];
    private TaskCompletionSource _wake = NewSignal();
    private Task? _loop;
    private long _epoch = -1;
    private long _lastAnswer;
    private volatile bool _wantShutDown;
    private volatile bool _fenced = true;

    public BrokerHeartbeatLoop(BrokerConfig config, IControllerChannel controller, MetadataView metadata, TimeProvider time, ILogger<BrokerHeartbeatLoop> logger)
    {
        _config = config;
        _controller = controller;
        _metadata = metadata;
        _time = time;
        _logger = logger;
        _interval = TimeSpan.FromMilliseconds(Math.Max(1, config.BrokerHeartbeatIntervalMs));
        _sessionTimeout = TimeSpan.FromMilliseconds(Math.Max(1, config.BrokerSessionTimeoutMs));
        _lastAnswer = time.GetTimestamp();
    }

    /// <summary>
    /// The directory.ids of this broker's failed log directories, sent with every heartbeat (KIP-858) so the controller
    /// moves leadership off the replicas in them; none when unset.
    /// </summary>
    public Func<IReadOnlyList<Uuid>>? OfflineLogDirs { get; set; }

    /// <summary>Sends the next heartbeat now rather than at the interval: a log directory just failed.</summary>
    public void HeartbeatNow() => Wake();

    /// <summary>The epoch of this broker's registration; -1 before it registered.</summary>
    public long BrokerEpoch => Interlocked.Read(ref _epoch);

    /// <summary>As the controller last answered: fenced brokers lead nothing and are not shown to clients.</summary>
    public bool IsFenced => _fenced;

    /// <summary>
    /// Registers this broker and starts heartbeating. <paramref name="previousBrokerEpoch"/> is the epoch it had when it
    /// last shut down cleanly, -1 otherwise (KIP-966). Fails when no controller accepted the registration within
    /// initial.broker.registration.timeout.ms, as Kafka's broker fails its start-up.
    /// </summary>
    public async Task<long> RegisterAsync(IReadOnlyList<BrokerEndpoint> endpoints, long previousBrokerEpoch, CancellationToken cancellationToken)
    {
        if (_loop is not null) throw new InvalidOperationException("the broker is already registered");
        _endpoints = endpoints;
        var timeout = TimeSpan.FromMilliseconds(Math.Max(1, _config.InitialBrokerRegistrationTimeoutMs));
        var started = _time.GetTimestamp();
        while (true)
        {
            try
            {
                var epoch = await _controller.RegisterBrokerAsync(_config.NodeId, endpoints, _config.BrokerRack, previousBrokerEpoch, cancellationToken)
                    .ConfigureAwait(false);
                Interlocked.Exchange(ref _epoch, epoch);
                Interlocked.Exchange(ref _lastAnswer, _time.GetTimestamp());
                _logger.LogInformation("Registered with the controller: broker epoch {Epoch}", epoch);
                break;
            }
            catch (Exception e) when (IsRetriable(e) && !cancellationToken.IsCancellationRequested)
            {
                if (_time.GetElapsedTime(started) >= timeout)
                    throw new KafkaException(ErrorCode.RequestTimedOut,
                        $"no controller accepted the registration of broker {_config.NodeId} within {timeout.TotalMilliseconds:0} ms " +
                        $"(initial.broker.registration.timeout.ms): {e.Message}");
                _logger.LogWarning("Registration with the controller failed, retrying: {Reason}", e.Message);
                await Task.Delay(RegistrationBackoff, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return BrokerEpoch;
    }

    /// <summary>Completes with true once the controller has unfenced this broker, with false after <paramref name="bound"/>.</summary>
    public async Task<bool> WaitUntilUnfencedAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        var done = await Task.WhenAny(_unfenced.Task, Task.Delay(bound, _time, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return done == _unfenced.Task;
    }

    /// <summary>
    /// Controlled shutdown (KIP-631): heartbeats ask WantShutDown until the controller answers ShouldShutDown, i.e. has
    /// moved this broker's leaderships to other in-sync replicas and they know it. Gives up (false) after
    /// <paramref name="timeout"/>, or once the controller has not answered for a whole broker.session.timeout.ms — it
    /// would have fenced this broker by then, and nobody else can move leaderships.
    /// </summary>
    public async Task<bool> ControlledShutdownAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_loop is null) return false;
        var started = _time.GetTimestamp();
        // The controller's silence counts from now at the earliest: an answer missed before says nothing about it now.
        Interlocked.Exchange(ref _lastAnswer, Math.Max(Interlocked.Read(ref _lastAnswer), started));
        _wantShutDown = true;
        Wake();
        _logger.LogInformation("Controlled shutdown: asking the controller to move this broker's leaderships away");
        while (true)
        {
            var tick = Task.Delay(EagerInterval, _time, cancellationToken);
            if (await Task.WhenAny(_shutdownGranted.Task, tick).ConfigureAwait(false) == _shutdownGranted.Task)
            {
                _logger.LogInformation("Controlled shutdown complete after {Elapsed} ms: the controller moved this broker's leaderships away",
                    (long)_time.GetElapsedTime(started).TotalMilliseconds);
                return true;
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (_time.GetElapsedTime(started) >= timeout)
            {
                _logger.LogWarning("Controlled shutdown did not complete within {Timeout} ms; shutting down anyway", (long)timeout.TotalMilliseconds);
                return false;
            }
            if (_time.GetElapsedTime(Interlocked.Read(ref _lastAnswer)) >= _sessionTimeout)
            {
                _logger.LogWarning("Controlled shutdown abandoned: no controller answered for {Timeout} ms (broker.session.timeout.ms)",
                    (long)_sessionTimeout.TotalMilliseconds);
                return false;
            }
        }
    }

    /// <summary>Stops heartbeating (the controller fences this broker a session timeout later unless it let it go).</summary>
    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        Wake();
        if (_loop is { } loop) await loop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var reachable = true;
        // Each heartbeat gets at most half a session: one stuck on a controller that stopped answering must give way to
        // the next, which may reach a newly elected controller before this broker's session there runs out.
        var heartbeatTimeout = TimeSpan.FromTicks(Math.Max(_interval.Ticks, _sessionTimeout.Ticks / 2));
        while (!stop.IsCancellationRequested)
        {
            var wake = Volatile.Read(ref _wake).Task;
            var wantShutDown = _wantShutDown;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(heartbeatTimeout);
                var result = await _controller.BrokerHeartbeatAsync(
                    new BrokerHeartbeatSpec(_config.NodeId, BrokerEpoch, _metadata.Image.Offset, WantFence: false, WantShutDown: wantShutDown,
                        OfflineLogDirs?.Invoke()),
                    timeout.Token).ConfigureAwait(false);
                Interlocked.Exchange(ref _lastAnswer, _time.GetTimestamp());
                if (!reachable) _logger.LogInformation("Heartbeats reach the controller again");
                reachable = true;
                if (await HandleAsync(result, wantShutDown, stop).ConfigureAwait(false)) return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever went wrong, the next heartbeat is the retry: the loop must outlive any one failure.
                if (reachable) _logger.LogWarning("Heartbeat to the controller failed: {Reason}", e is OperationCanceledException ? "no answer in time" : e.Message);
                reachable = false;
            }
            var pause = _wantShutDown || _fenced ? EagerInterval : _interval;
            try
            {
                await Task.WhenAny(wake, Task.Delay(pause, _time, stop)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Applies one answer; true once the controller let this broker shut down (no more heartbeats are sent then).</summary>
    private async Task<bool> HandleAsync(BrokerHeartbeatResult result, bool wantShutDown, CancellationToken stop)
    {
        switch (result.Error)
        {
            case ErrorCode.None:
                if (result.IsFenced && !_fenced) _logger.LogWarning("The controller fenced this broker (epoch {Epoch})", BrokerEpoch);
                if (!result.IsFenced && _fenced) _logger.LogInformation("The controller unfenced this broker (epoch {Epoch})", BrokerEpoch);
                _fenced = result.IsFenced;
                if (!result.IsFenced) _unfenced.TrySetResult();
                if (wantShutDown && result.ShouldShutDown)
                {
                    _shutdownGranted.TrySetResult();
                    return true;
                }
                return false;
            case ErrorCode.StaleBrokerEpoch or ErrorCode.BrokerIdNotRegistered:
                _logger.LogWarning("The controller answered {Error} to epoch {Epoch}: registering again", result.Error, BrokerEpoch);
                _fenced = true;
                // This process ran cleanly all along, so its own epoch is the "previous epoch" of a clean restart.
                var epoch = await _controller.RegisterBrokerAsync(_config.NodeId, _endpoints, _config.BrokerRack, BrokerEpoch, stop).ConfigureAwait(false);
                Interlocked.Exchange(ref _epoch, epoch);
                _logger.LogInformation("Registered with the controller again: broker epoch {Epoch}", epoch);
                return false;
            default:
                _logger.LogWarning("The controller refused a heartbeat: {Error}", result.Error);
                return false;
        }
    }

    private void Wake()
    {
        var current = Interlocked.Exchange(ref _wake, NewSignal());
        current.TrySetResult();
    }

    private static bool IsRetriable(Exception e) =>
        e is IOException or TimeoutException || e is KafkaException { Code: ErrorCode.RequestTimedOut or ErrorCode.NotController };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
