namespace Brook.Client;

/// <summary>
/// A decoded response whose byte fields (record sets) are slices of a pooled receive buffer: valid until disposed,
/// then the buffer goes back to the pool. For hot paths that consume the records before they return (the replica
/// fetcher appends them to its log), so no response frame is allocated per fetch.
/// </summary>
public sealed class LeasedResponse<TResponse> : IDisposable
{
    private ResponseFrame _frame;
    private int _disposed;

    internal LeasedResponse(TResponse response, ResponseFrame frame)
    {
        Response = response;
        _frame = frame;
    }

    /// <summary>The response; its record sets must not be read after <see cref="Dispose"/>.</summary>
    public TResponse Response { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        var frame = _frame;
        _frame = ResponseFrame.Empty;
        frame.Release();
    }
}
