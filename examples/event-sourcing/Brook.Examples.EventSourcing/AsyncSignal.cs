namespace Brook.Examples.EventSourcing;

/// <summary>
/// Wakes every waiter when something changed (the read model, the projector's position). Waiters take
/// <see cref="Next"/> before checking their condition, so a change between the check and the wait is not missed.
/// </summary>
public sealed class AsyncSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Pulse"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Wakes the current waiters.</summary>
    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits until <paramref name="condition"/> holds (true) or <paramref name="timeout"/> passes (false).</summary>
    public async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        expiry.CancelAfter(timeout);
        while (true)
        {
            var next = Next;
            if (condition()) return true;
            try
            {
                await next.WaitAsync(expiry.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return condition();
            }
        }
    }
}
