using System.Collections.Concurrent;
using Brook.Common;
using Brook.Metadata;
using Microsoft.Extensions.Logging;

namespace Brook.Replication;

/// <summary>
/// The leader's ISR maintenance (Kafka's Partition.maybeShrinkIsr / maybeExpandIsr with AlterPartition, KIP-497):
/// every half replica.lag.time.max.ms it drops followers that have not been caught up for that long, and a follower
/// that catches up is added as soon as its fetch shows it. Each change goes to the controller, which checks the
/// epochs; the accepted state is applied at once. At most one change per partition is in flight.
/// </summary>
public sealed class IsrChangeManager : IAsyncDisposable
{
    private readonly IControllerChannel _controller;
    private readonly BrokerIdentity _identity;
    private readonly TimeProvider _time;
    private readonly long _lagTimeMaxMs;
    private readonly ILogger _logger;
    private readonly Func<IEnumerable<Partition>> _leaders;
    private readonly ITimer _shrinkTimer;
    private readonly CancellationTokenSource _closing = new();
    private readonly ConcurrentDictionary<Partition, Task> _inFlight = new();
    private int _disposed;
    private long _shrinks;
    private long _expands;
    private long _failed;

    public IsrChangeManager(IControllerChannel controller, BrokerIdentity identity, Func<IEnumerable<Partition>> leaders, long lagTimeMaxMs,
        TimeProvider time, ILogger<IsrChangeManager> logger)
    {
        _controller = controller;
        _identity = identity;
        _leaders = leaders;
        _lagTimeMaxMs = lagTimeMaxMs;
        _time = time;
        _logger = logger;
        var period = TimeSpan.FromMilliseconds(Math.Max(100, lagTimeMaxMs / 2));
        _shrinkTimer = time.CreateTimer(_ => ShrinkLagging(), null, period, period);
    }

    /// <summary>ISR shrinks the controller accepted (Kafka's ReplicaManager IsrShrinksPerSec).</summary>
    public long IsrShrinks => Interlocked.Read(ref _shrinks);

    /// <summary>ISR expansions the controller accepted (IsrExpandsPerSec).</summary>
    public long IsrExpands => Interlocked.Read(ref _expands);

    /// <summary>ISR changes refused by the controller or that could not reach it (FailedIsrUpdatesPerSec).</summary>
    public long FailedIsrUpdates => Interlocked.Read(ref _failed);

    /// <summary>A follower's fetch showed it caught up while outside the ISR: ask for it to join.</summary>
    public void RequestExpansion(Partition partition, int replicaId)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (partition.ProposeIsrChange(nowMs, _lagTimeMaxMs, joining: replicaId) is { } isr) Submit(partition, isr, $"replica {replicaId} caught up");
    }

    /// <summary>Drops lagging followers from the ISR of every partition this broker leads.</summary>
    public void ShrinkLagging()
    {
        if (_closing.IsCancellationRequested) return;
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var partition in _leaders())
        {
            if (!partition.IsLeader) continue;
            if (partition.ProposeIsrChange(nowMs, _lagTimeMaxMs) is { } isr)
                Submit(partition, isr, $"followers not caught up for {_lagTimeMaxMs} ms (replica.lag.time.max.ms)");
        }
    }

    private void Submit(Partition partition, IReadOnlyList<int> isr, string why)
    {
        var state = partition.State;
        _logger.LogInformation("Asking to change the ISR of {Partition} from [{Old}] to [{New}]: {Why}",
            partition.Id, string.Join(",", state.Isr), string.Join(",", isr), why);
        _inFlight[partition] = SendAsync(partition, state, isr);
    }

    private async Task SendAsync(Partition partition, PartitionState state, IReadOnlyList<int> isr)
    {
        try
        {
            var result = await _controller.AlterPartitionAsync(new AlterPartitionSpec(_identity.BrokerId, _identity.Epoch, partition.TopicId,
                partition.Id.Partition, state.LeaderEpoch, state.PartitionEpoch, isr), _closing.Token).ConfigureAwait(false);
            if (result.Error == ErrorCode.None)
            {
                Interlocked.Increment(ref isr.Count < state.Isr.Length ? ref _shrinks : ref _expands);
                partition.CompleteIsrChange(state with { LeaderId = result.LeaderId, LeaderEpoch = result.LeaderEpoch, PartitionEpoch = result.PartitionEpoch, Isr = [.. result.Isr] });
            }
            else
            {
                _logger.LogInformation("ISR change of {Partition} refused: {Error}", partition.Id, result.Error);
                Interlocked.Increment(ref _failed);
                partition.CompleteIsrChange(null);
            }
        }
        catch (Exception e) when (e is KafkaException or IOException or TimeoutException or OperationCanceledException)
        {
            if (!_closing.IsCancellationRequested)
            {
                _logger.LogWarning("ISR change of {Partition} failed: {Reason}", partition.Id, e.Message);
                Interlocked.Increment(ref _failed);
            }
            partition.CompleteIsrChange(null);
        }
        finally
        {
            _inFlight.TryRemove(partition, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _shrinkTimer.DisposeAsync().ConfigureAwait(false);
        await _closing.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_inFlight.Values).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException) { }
        _closing.Dispose();
    }
}
