using Brook.Metadata;

namespace Brook.Replication;

/// <summary>
/// Hands out producer ids from blocks reserved in the metadata log, so ids stay unique across restarts (and, later,
/// across brokers): a block is reserved once and used up in memory.
/// </summary>
public sealed class ProducerIdManager(IControllerChannel controller)
{
    public const int BlockSize = 1000;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private long _next;
    private long _end;

    public async ValueTask<long> NextAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (_next >= _end)
            {
                _next = await controller.AllocateProducerIdBlockAsync(BlockSize, ct);
                _end = _next + BlockSize;
            }
            return _next++;
        }
        finally
        {
            _lock.Release();
        }
    }
}
