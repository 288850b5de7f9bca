using Brook.Common;
using Brook.Protocol;

namespace Brook.Client;

/// <summary>One request from the moment it is queued for the wire until its response (or failure) is handed back.</summary>
/// <remarks>
/// The caller, the writer loop, the reader loop and a close race for it, so every transition is one atomic step:
/// queued → sent (writer) or queued → abandoned (caller gave up first; the writer drops it unsent). An abandoned or
/// cancelled request that was already sent stays in the in-flight queue, and its response is read and dropped, so the
/// stream position stays known. <see cref="TryRetire"/> hands its in-flight slot back exactly once.
/// </remarks>
internal sealed class InFlightRequest(PooledBufferWriter frame, ApiKey apiKey, short version, bool expectsResponse)
{
    private const int Queued = 0;
    private const int Sent = 1;
    private const int Abandoned = 2;

    private readonly TaskCompletionSource<ResponseFrame> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PooledBufferWriter? _frame = frame;
    private int _state = Queued;
    private int _retired;

    public ApiKey ApiKey { get; } = apiKey;
    public short Version { get; } = version;

    /// <summary>False for Produce with acks=0: the peer sends nothing back, the request is done once flushed.</summary>
    public bool ExpectsResponse { get; } = expectsResponse;

    /// <summary>Assigned by the writer loop when the frame goes on the wire.</summary>
    public int CorrelationId { get; set; }

    /// <summary>The response frame (without size prefix); empty for a request without response.</summary>
    public Task<ResponseFrame> Response => _response.Task;

    /// <summary>The encoded frame; only the writer loop touches it after the request is queued.</summary>
    public PooledBufferWriter Frame => _frame ?? throw new InvalidOperationException("the frame was already released");

    public bool TryMarkSent() => Interlocked.CompareExchange(ref _state, Sent, Queued) == Queued;

    /// <summary>True if the request had not been sent yet, and now never will be.</summary>
    public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;

    public void ReleaseFrame() => Interlocked.Exchange(ref _frame, null)?.Dispose();

    /// <summary>True the first time: the caller then returns the request's in-flight slot.</summary>
    public bool TryRetire() => Interlocked.Exchange(ref _retired, 1) == 0;

    /// <summary>Completes with the response; a frame nobody will read (the caller already failed) goes back to the pool.</summary>
    public void Complete(ResponseFrame frame)
    {
        if (!_response.TrySetResult(frame)) frame.Release();
    }

    public void Fail(Exception error) => _response.TrySetException(error);
}
