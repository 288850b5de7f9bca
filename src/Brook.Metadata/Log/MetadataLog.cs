using Brook.Common;
using Brook.Metadata.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Brook.Metadata;

/// <summary>
/// The single-node metadata log: one append-only file, <c>&lt;log.dirs&gt;/__cluster_metadata-0/metadata.log</c>, of
/// CRC-framed batches (<see cref="MetadataLogFrame"/>). Opening it validates every frame and truncates a torn tail left
/// by a crash; each append is fsynced before it returns. The file is held open exclusively, so a second broker process
/// pointed at the same directory fails to start instead of interleaving writes. As a quorum it has one voter, this
/// node, always the leader of epoch <see cref="LocalEpoch"/>: a write is committed once it is on this disk.
/// </summary>
public sealed class MetadataLog : IMetadataQuorum
{
    /// <summary>The one leader epoch of a single-node log.</summary>
    public const int LocalEpoch = 1;

    /// <summary>The directory under the log dir, named like a partition directory as Kafka's KRaft log is.</summary>
    public const string DirectoryName = "__cluster_metadata-0";
    public const string FileName = "metadata.log";

    private readonly SafeFileHandle _file;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private long _endPosition;
    private long _nextOffset;
    private bool _failed;
    private bool _disposed;
    private IMetadataCommitListener? _listener;

    /// <summary>Opens (creating if needed) the metadata log under <paramref name="logDir"/> and recovers its tail.</summary>
    public MetadataLog(string logDir, ILogger<MetadataLog>? logger = null, int nodeId = 1)
    {
        NodeId = nodeId;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var directory = Path.Combine(logDir, DirectoryName);
        Directory.CreateDirectory(directory);
        FilePath = Path.Combine(directory, FileName);
        _file = File.OpenHandle(FilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            Recover();
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public string FilePath { get; }

    public int NodeId { get; }

    /// <summary>This node in <see cref="LocalEpoch"/> once started; unknown before, so nothing is written before the replay.</summary>
    public QuorumLeader Leader => Volatile.Read(ref _listener) is null ? QuorumLeader.Unknown : new(NodeId, LocalEpoch);

    /// <summary>Replayed completely by <see cref="StartAsync"/>.</summary>
    public Task WaitUntilCaughtUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Replays the whole log to <paramref name="listener"/> as one delivery, then names this node the leader.</summary>
    public Task StartAsync(IMetadataCommitListener listener, CancellationToken cancellationToken)
    {
        var batches = ReadAll();
        lock (_lock)
        {
            if (_listener is not null) throw new InvalidOperationException("the metadata log is already started");
            _listener = listener;
            listener.OnCommit(batches);
        }
        listener.OnLeaderChange(Leader);
        return Task.CompletedTask;
    }

    /// <summary>The offset the next appended record will get (the number of records ever written).</summary>
    public long NextOffset
    {
        get { lock (_lock) return _nextOffset; }
    }

    private void Recover()
    {
        var data = ReadFile(RandomAccess.GetLength(_file));
        var position = 0;
        long nextOffset = 0;
        while (position < data.Length)
        {
            if (!MetadataLogFrame.TryValidate(data.AsSpan(position), out var size, out var baseOffset, out var count)) break;
            // Offsets are dense; a frame that does not continue the sequence is stale garbage, not a batch of ours.
            // The first frame sets the start (0 today; later than 0 once a snapshot lets the log drop its head).
            if (position == 0 ? baseOffset < 0 : baseOffset != nextOffset) break;
            nextOffset = baseOffset + count;
            position += size;
        }

        if (position < data.Length)
        {
            // Only the tail can be torn (frames are appended and fsynced in order), so everything before the first
            // invalid frame is committed and everything from it on was never acknowledged.
            _logger.LogWarning(
                "Metadata log {Path} has an invalid or torn frame at byte {Position}; truncating {Dropped} trailing bytes (next offset {NextOffset})",
                FilePath, position, data.Length - position, nextOffset);
            RandomAccess.SetLength(_file, position);
            RandomAccess.FlushToDisk(_file);
        }

        _endPosition = position;
        _nextOffset = nextOffset;
    }

    public IReadOnlyList<MetadataBatch> ReadAll()
    {
        long end;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            end = _endPosition;
        }
        var data = ReadFile(end);
        var batches = new List<MetadataBatch>();
        var position = 0;
        while (position < data.Length)
        {
            // Recovery already validated this prefix and appends only add after it; a failure now is real corruption.
            if (!MetadataLogFrame.TryValidate(data.AsSpan(position), out var size, out _, out _))
                throw new InvalidDataException($"metadata log {FilePath} changed under us at byte {position}");
            batches.Add(MetadataLogFrame.Decode(data.AsMemory(position, size)));
            position += size;
        }
        return batches;
    }

    /// <summary>
    /// Writes the batch, fsyncs it and hands it to the listener. The write and fsync are synchronous: metadata changes are rare and the caller
    /// must not be told "done" before the bytes are on disk anyway. Cancellation is honoured only before writing starts.
    /// </summary>
    public ValueTask<long> AppendAsync(int epoch, IReadOnlyList<MetadataRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0) throw new ArgumentException("a metadata batch needs at least one record", nameof(records));
        if (epoch != LocalEpoch || _listener is null)
            throw new KafkaException(ErrorCode.NotController, $"epoch {epoch} is not the started local log's epoch {LocalEpoch}");
        cancellationToken.ThrowIfCancellationRequested();
        using var buffer = new PooledBufferWriter(1024);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_failed) throw new IOException($"metadata log {FilePath} failed earlier and cannot take more writes");
            MetadataLogFrame.Encode(buffer, _nextOffset, records);
            try
            {
                RandomAccess.Write(_file, buffer.WrittenSpan, _endPosition);
                RandomAccess.FlushToDisk(_file);
            }
            catch
            {
                // Cut off whatever part of the frame reached the file so later appends do not land behind garbage;
                // if even that fails the log is unusable until restart (where recovery truncates it).
                try
                {
                    RandomAccess.SetLength(_file, _endPosition);
                }
                catch
                {
                    _failed = true;
                }
                throw;
            }
            var baseOffset = _nextOffset;
            _endPosition += buffer.WrittenCount;
            _nextOffset += records.Count;
            // Committed: the listener sees it before the writer returns, under the lock, so deliveries keep log order.
            _listener?.OnCommit([new MetadataBatch(baseOffset, records)]);
            return ValueTask.FromResult(_nextOffset - 1);
        }
    }

    private byte[] ReadFile(long length)
    {
        if (length > Array.MaxLength) throw new InvalidDataException($"metadata log {FilePath} is too large to load ({length} bytes)");
        var data = new byte[length];
        var read = 0;
        while (read < data.Length)
        {
            var n = RandomAccess.Read(_file, data.AsSpan(read), read);
            if (n == 0) break;
            read += n;
        }
        return read == data.Length ? data : data[..read];
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _file.Dispose();
        }
    }
}
