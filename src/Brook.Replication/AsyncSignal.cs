namespace Brook.Replication;

/// <summary>
/// A level-free "something changed" signal: waiters take <see cref="WaitTask"/>, <see cref="Pulse"/> completes it and arms
/// a fresh one. Used by long-polling fetches to wake when a partition's high watermark moves.
/// </summary>
public sealed class AsyncSignal
{
    private TaskCompletionSource _tcs = NewSource();

    public Task WaitTask => Volatile.Read(ref _tcs).Task;

    public void Pulse()
    {
        var current = Volatile.Read(ref _tcs);
        if (!current.Task.IsCompleted && Interlocked.CompareExchange(ref _tcs, NewSource(), current) == current)
            current.TrySetResult();
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
