using Brook.Common;

namespace Brook.Server.Api;

/// <summary>
/// A request's own TimeoutMs (CreateTopics, DeleteTopics, CreatePartitions) as a cancellation: waiting on the controller
/// stops at the deadline or when the connection closes, and a deadline that passed becomes REQUEST_TIMED_OUT, as Kafka
/// answers. The change itself may still commit afterwards — exactly Kafka's meaning of a timed-out admin request.
/// A timeout of zero or less leaves only the broker's own controller timeout (request.timeout.ms) in force.
/// </summary>
public sealed class RequestDeadline : IDisposable
{
    private readonly CancellationTokenSource? _timer;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _closed;
    private readonly int _timeoutMs;

    public RequestDeadline(RequestContext context, int timeoutMs, TimeProvider time)
    {
        _closed = context.ConnectionClosed;
        _timeoutMs = timeoutMs;
        _timer = timeoutMs > 0 ? new CancellationTokenSource(TimeSpan.FromMilliseconds(timeoutMs), time) : null;
        _linked = _timer is null
            ? CancellationTokenSource.CreateLinkedTokenSource(_closed)
            : CancellationTokenSource.CreateLinkedTokenSource(_closed, _timer.Token);
    }

    /// <summary>Cancelled at the deadline or when the connection closes.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Runs <paramref name="operation"/> under the deadline; a passed deadline throws REQUEST_TIMED_OUT.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, string what)
    {
        try
        {
            return await operation(Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_timer is { IsCancellationRequested: true } && !_closed.IsCancellationRequested)
        {
            throw new KafkaException(ErrorCode.RequestTimedOut, $"{what} did not complete within the request's timeout of {_timeoutMs} ms");
        }
    }

    public void Dispose()
    {
        _linked.Dispose();
        _timer?.Dispose();
    }
}
