using Brook.Common;
using Brook.Metadata.Records;
using Brook.Raft;
using Brook.Raft.Messages;
using Brook.Raft.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Metadata;

/// <summary>
/// The metadata log replicated with KRaft: <c>__cluster_metadata-0</c> as a record-batch log (one metadata record per
/// Kafka record value), its quorum-state and snapshots, hosted by a <see cref="RaftServer"/>. Voters (controllers) and
/// observers (brokers) hand their listener the same committed records. This node reports itself as leader to the
/// controller only once the LeaderChange record of its epoch is committed and delivered: only then has its image
/// applied everything earlier epochs committed, so its decisions see the whole state.
/// </summary>
public sealed class RaftMetadataQuorum : IMetadataQuorum
{
    private readonly RaftConfig _config;
    private readonly string _logDir;
    private readonly IRaftTransport _transport;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggers;
    private readonly MetadataSnapshotPolicy _snapshotPolicy;
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FileRaftLog? _log;
    private RaftServer? _server;
    private IMetadataCommitListener? _listener;
    /// <summary>The announced leader, boxed so it is read and replaced whole from any thread.</summary>
    private object _leader = QuorumLeader.Unknown;
    /// <summary>The leader as the Raft node last reported it (fresh inside callbacks, unlike the server's status).</summary>
    private LeaderAndEpoch _raftLeader = new(LeaderAndEpoch.NoLeader, 0);
    private long _delivered;
    /// <summary>Record bytes delivered since the last snapshot (or start), and when that snapshot was taken.</summary>
    private long _bytesSinceSnapshot;
    private long _lastSnapshotTimestamp;
    private bool _snapshotInFlight;

    public RaftMetadataQuorum(RaftConfig config, string logDir, IRaftTransport transport, TimeProvider time, ILoggerFactory? loggers = null,
        MetadataSnapshotPolicy? snapshots = null)
    {
        config.Validate();
        _config = config;
        _snapshotPolicy = snapshots ?? MetadataSnapshotPolicy.Default;
        _logDir = logDir;
        _transport = transport;
        _time = time;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<RaftMetadataQuorum>();
    }

    public int NodeId => _config.NodeId;

    public QuorumLeader Leader => (QuorumLeader)Volatile.Read(ref _leader);

    public TimeSpan? SilenceOfFormerLeader(int nodeId) =>
        _server is { LastSilentLeader: { } silent } server && silent.LeaderId == nodeId
            ? TimeSpan.FromMilliseconds(Math.Max(0, server.NowMs - silent.LastContactMs))
            : null;

    /// <summary>The hosted Raft server (null before start): the transport hands it inbound messages, DescribeQuorum reads it.</summary>
    public RaftServer? Server => _server;

    public Task StartAsync(IMetadataCommitListener listener, CancellationToken cancellationToken)
    {
        if (_server is not null) throw new InvalidOperationException("the metadata quorum is already started");
        _listener = listener;
        _lastSnapshotTimestamp = _time.GetTimestamp();
        var directory = FileRaftLog.PartitionDirectory(_logDir);
        Directory.CreateDirectory(directory);
        var legacy = LegacyMetadataLogMigration.Prepare(_logDir, _logger);
        _log = FileRaftLog.Open(_logDir, _time, _loggers.CreateLogger("Brook.Raft.MetadataLog"));
        if (legacy is not null) legacy.ImportInto(_log, _time);
        _server = new RaftServer(_config, _log, new FileQuorumStateStore(directory), new FileSnapshotStore(directory), _transport,
            new Listener(this), _time, new Random(), _loggers.CreateLogger<RaftServer>());
        if (_transport is IServerBoundTransport bound) bound.Attach(_server);
        _server.Start();
        _logger.LogInformation("Metadata quorum started: node {NodeId} ({Role}), voters {Voters}", _config.NodeId,
            _config.IsVoter ? "voter" : "observer", string.Join(",", _config.Voters));
        return Task.CompletedTask;
    }

    public async Task WaitUntilCaughtUpAsync(CancellationToken cancellationToken)
    {
        // The server's status (leader, high watermark) is published after each turn of its loop, so a check made inside
        // the last delivery can see a stale value; look again until caught up.
        while (!_caughtUp.Task.IsCompleted)
        {
            lock (_caughtUp) CheckCaughtUp();
            if (_caughtUp.Task.IsCompleted) break;
            await Task.WhenAny(_caughtUp.Task, Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        await _caughtUp.Task.ConfigureAwait(false);
    }

    public async ValueTask<long> AppendAsync(int epoch, IReadOnlyList<MetadataRecord> records, CancellationToken cancellationToken)
    {
        var server = _server ?? throw new KafkaException(ErrorCode.NotController, "the metadata quorum is not started");
        var leader = Leader;
        if (leader.LeaderId != NodeId || leader.Epoch != epoch)
            throw new KafkaException(ErrorCode.NotController, $"node {NodeId} does not lead epoch {epoch} (the leader is {leader.LeaderId} in epoch {leader.Epoch})");
        var values = new byte[records.Count][];
        for (var i = 0; i < records.Count; i++) values[i] = MetadataRecordSerde.Serialize(records[i]);
        try
        {
            return await server.AppendAsync(values, cancellationToken).ConfigureAwait(false);
        }
        catch (NotLeaderException e)
        {
            throw new KafkaException(ErrorCode.NotController, e.Message);
        }
    }

    /// <summary>Describes the quorum for DescribeQuorum (complete on the leader).</summary>
    public Task<QuorumInfo> DescribeAsync() =>
        _server?.DescribeQuorumAsync() ?? Task.FromException<QuorumInfo>(new InvalidOperationException("not started"));

    /// <summary>Graceful resignation before shutdown, so a successor is elected at once (EndQuorumEpoch).</summary>
    public Task ResignAsync() => _server?.ResignAsync() ?? Task.CompletedTask;

    // ---- called on the Raft loop thread ----------------------------------------------------------------------------

    private void OnCommit(CommittedBatch batch)
    {
        if (batch.IsControl)
        {
            // The LeaderChange of this node's own epoch: everything before it is applied, so the controller may act.
            var raftLeader = _raftLeader;
            if (batch.Epoch == raftLeader.Epoch && raftLeader.LeaderId == NodeId && Leader.Epoch != batch.Epoch)
                AnnounceLeader(new QuorumLeader(NodeId, batch.Epoch));
        }
        else
        {
            var records = new MetadataRecord[batch.Records.Count];
            for (var i = 0; i < records.Length; i++) records[i] = MetadataRecordSerde.Deserialize(batch.Records[i]);
            _listener!.OnCommit([new MetadataBatch(batch.BaseOffset, records)]);
            foreach (var value in batch.Records) _bytesSinceSnapshot += value.Length;
        }
        Volatile.Write(ref _delivered, batch.NextOffset);
        lock (_caughtUp) CheckCaughtUp();
        MaybeSnapshot();
    }

    /// <summary>
    /// Snapshots the image when the policy says so. The records are taken here, between deliveries, so they are exactly
    /// the state below <see cref="_delivered"/>; the Raft node writes them on its next turn (this runs inside its loop).
    /// </summary>
    private void MaybeSnapshot()
    {
        if (Volatile.Read(ref _snapshotInFlight) || !_snapshotPolicy.IsDue(_bytesSinceSnapshot, _time.GetElapsedTime(_lastSnapshotTimestamp))) return;
        var endOffset = Volatile.Read(ref _delivered);
        var records = _listener!.SnapshotRecords();
        var values = new byte[records.Count][];
        for (var i = 0; i < values.Length; i++) values[i] = MetadataRecordSerde.Serialize(records[i]);
        _snapshotInFlight = true;
        var bytesCovered = _bytesSinceSnapshot;
        _server!.CreateSnapshotAsync(endOffset, values).ContinueWith(t =>
        {
            // Runs off the loop; only the in-flight flag is shared with it.
            if (t.IsCompletedSuccessfully)
                _logger.LogInformation("Metadata snapshot {Snapshot}: {Records} records for {Bytes} bytes of log", t.Result, values.Length, bytesCovered);
            else
                _logger.LogWarning(t.Exception?.GetBaseException(), "Metadata snapshot at offset {Offset} failed", endOffset);
            Volatile.Write(ref _snapshotInFlight, false);
        }, TaskScheduler.Default);
        _bytesSinceSnapshot = 0;
        _lastSnapshotTimestamp = _time.GetTimestamp();
    }

    private void OnSnapshotLoad(RaftSnapshot snapshot)
    {
        var records = snapshot.Records.Select(r => MetadataRecordSerde.Deserialize(r)).ToList();
        _listener!.OnSnapshot(snapshot.Id.Offset, records);
        Volatile.Write(ref _delivered, snapshot.Id.Offset);
        _bytesSinceSnapshot = 0;
        _logger.LogInformation("Loaded the metadata snapshot {Snapshot} ({Records} records)", snapshot.Id, records.Count);
        lock (_caughtUp) CheckCaughtUp();
    }

    private void OnLeaderChange(LeaderAndEpoch leader)
    {
        _logger.LogInformation("Metadata quorum: {Leader}", leader);
        lock (_caughtUp) _raftLeader = leader;
        // A new leader elsewhere is announced at once; this node announces itself once its LeaderChange is committed.
        if (leader.LeaderId != NodeId) AnnounceLeader(leader.HasLeader ? new QuorumLeader(leader.LeaderId, leader.Epoch) : QuorumLeader.Unknown);
        else if (Leader.LeaderId == NodeId && Leader.Epoch != leader.Epoch) AnnounceLeader(QuorumLeader.Unknown);
        lock (_caughtUp) CheckCaughtUp();
    }

    private void AnnounceLeader(QuorumLeader leader)
    {
        if (Leader == leader) return;
        Volatile.Write(ref _leader, (object)leader);
        _listener!.OnLeaderChange(leader);
    }

    /// <summary>
    /// Caught up once a leader is known and everything below the high watermark this node has learned is delivered (the
    /// first epoch's LeaderChange makes it at least 1, so an empty log never counts); a leader must also have announced
    /// itself, i.e. applied its own epoch's LeaderChange.
    /// </summary>
    private void CheckCaughtUp()
    {
        if (_caughtUp.Task.IsCompleted) return;
        var server = _server!;
        var leader = _raftLeader;
        if (!leader.HasLeader) return;
        var highWatermark = server.HighWatermark;
        if (highWatermark <= 0 || Volatile.Read(ref _delivered) < highWatermark) return;
        if (leader.LeaderId == NodeId && Leader.LeaderId != NodeId) return;
        _caughtUp.TrySetResult();
        _logger.LogInformation("Metadata caught up to offset {Offset} ({Leader})", _delivered, leader);
    }

    public void Dispose()
    {
        if (_server is { } server)
        {
            try
            {
                server.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is AggregateException or ObjectDisposedException)
            {
                _logger.LogWarning(e, "The metadata quorum did not stop cleanly");
            }
        }
        _log?.Dispose();
        _caughtUp.TrySetCanceled();
    }

    private sealed class Listener(RaftMetadataQuorum quorum) : IRaftListener
    {
        public void OnCommit(CommittedBatch batch) => quorum.OnCommit(batch);
        public void OnSnapshotLoad(RaftSnapshot snapshot) => quorum.OnSnapshotLoad(snapshot);
        public void OnLeaderChange(LeaderAndEpoch leader) => quorum.OnLeaderChange(leader);
    }
}
