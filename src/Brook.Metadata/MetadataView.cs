using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Metadata;

/// <summary>
/// The read model every broker has: the latest image built from the committed metadata log, and an event for each
/// newer one. Handlers, the replica manager and the coordinators read it; only the metadata loader (fed by the
/// quorum's commits) publishes to it, so every node sees the same images in the same order.
/// </summary>
public sealed class MetadataView
{
    private readonly ILogger _logger;
    private readonly Lock _waitersLock = new();
    private readonly List<(long Offset, TaskCompletionSource Done)> _waiters = [];
    private MetadataImage _image = MetadataImage.Empty;
    /// <summary>Offset of the last image every subscriber has handled (the image itself is visible before that).</summary>
    private long _appliedOffset = -1;

    public MetadataView(ILogger<MetadataView>? logger = null) => _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>The newest published image; <see cref="MetadataImage.Empty"/> before the log was first loaded.</summary>
    public MetadataImage Image => Volatile.Read(ref _image);

    /// <summary>
    /// Raised for every published image, in commit order and never concurrently. Subscribers run on the publishing
    /// thread (the quorum's), so they must be quick; their exceptions are logged, not thrown.
    /// </summary>
    public event Action<MetadataImage>? ImagePublished;

    /// <summary>Makes <paramref name="image"/> current and tells the subscribers. Only the metadata loader calls this.</summary>
    public void Publish(MetadataImage image)
    {
        Volatile.Write(ref _image, image);
        if (ImagePublished is { } handlers)
        {
            foreach (var handler in handlers.GetInvocationList())
            {
                try
                {
                    ((Action<MetadataImage>)handler)(image);
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "A metadata image subscriber failed on the image at offset {Offset}", image.Offset);
                }
            }
        }
        lock (_waitersLock) Volatile.Write(ref _appliedOffset, image.Offset);
        ReleaseWaiters(image.Offset);
    }

    /// <summary>
    /// Completes once an image at or past <paramref name="offset"/> is published and every subscriber has handled it
    /// (at once if that happened already): after it, the replica manager and the coordinators act on the change.
    /// </summary>
    public Task WaitForOffsetAsync(long offset, CancellationToken cancellationToken)
    {
        lock (_waitersLock)
        {
            if (Volatile.Read(ref _appliedOffset) >= offset) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((offset, done));
            return cancellationToken.CanBeCanceled ? done.Task.WaitAsync(cancellationToken) : done.Task;
        }
    }

    private void ReleaseWaiters(long offset)
    {
        lock (_waitersLock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Offset > offset) continue;
                _waiters[i].Done.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }
}
