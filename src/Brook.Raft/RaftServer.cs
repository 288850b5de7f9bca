using System.Threading.Channels;
using Brook.Raft.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Raft;

/// <summary>
/// Hosts one <see cref="RaftNode"/> on one dedicated loop: inbound messages and local commands go through a channel,
/// and the loop sleeps (on the <see cref="TimeProvider"/>) until the node's next poll time or the next item. All
/// public members are thread-safe. The listener's callbacks and the <see cref="Committed"/> / <see cref="LeaderChanged"/>
/// events run on the loop: keep them short and never block on this server from inside them.
/// </summary>
public sealed class RaftServer : IAsyncDisposable
{
    private readonly RaftNode _node;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Action> _inbox = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    /// <summary>Appends waiting for their batch to commit, by last offset (loop thread only).</summary>
    private readonly SortedDictionary<long, PendingAppend> _pending = [];
    private readonly IRaftListener _listener;
    private Task? _loop;
    private volatile StatusSnapshot _status;
    private int _disposed;

    public RaftServer(RaftConfig config, IRaftLog log, IQuorumStateStore stateStore, ISnapshotStore snapshots, IRaftTransport transport,
        IRaftListener? listener = null, TimeProvider? time = null, Random? random = null, ILogger? logger = null)
    {
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _listener = listener ?? NullRaftListener.Instance;
        _node = new RaftNode(config, log, stateStore, snapshots, transport, new LoopListener(this), _time, random ?? new Random(), _logger);
        _status = new StatusSnapshot(new LeaderAndEpoch(LeaderAndEpoch.NoLeader, 0), RaftRole.Unattached, 0,
            Voters: VoterSet.Bootstrap(config.Voters, config.VoterEndpoints));
    }

    public int NodeId => _node.NodeId;

    /// <summary>The leader as last seen by the loop.</summary>
    public LeaderAndEpoch CurrentLeader => _status.Leader;
    public RaftRole Role => _status.Role;
    public long HighWatermark => _status.HighWatermark;
    public bool IsLeader => _status.Role == RaftRole.Leader;

    /// <summary>The voter set at the node's log end, as last seen by the loop (where peers are reached, who votes).</summary>
    public VoterSet Voters => _status.Voters;

    /// <summary>The last leader this node stopped following because it fell silent, as last seen by the loop.</summary>
    public SilentLeader? LastSilentLeader => _status.SilentLeader;

    /// <summary>The server's clock in the milliseconds <see cref="SilentLeader.LastContactMs"/> is in.</summary>
    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Completes when the loop ends: normally after <see cref="DisposeAsync"/>, faulted if the node threw (a storage error).</summary>
    public Task Completion => _loop ?? Task.CompletedTask;

    /// <summary>Every committed batch, in order (on the loop thread).</summary>
    public event Action<CommittedBatch>? Committed;

    /// <summary>Every change of the known leader or epoch (on the loop thread).</summary>
    public event Action<LeaderAndEpoch>? LeaderChanged;

    /// <summary>Starts the node (loading its state) and the loop.</summary>
    public void Start()
    {
        if (_loop is not null) throw new InvalidOperationException("already started");
        _node.Start();
        Publish();
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>A message from a peer, from the transport's threads.</summary>
    public void Receive(int fromId, RaftMessage message) => _inbox.Writer.TryWrite(() => _node.Handle(fromId, message));

    /// <summary>
    /// Appends <paramref name="values"/> as one batch and completes with its last offset once it is committed (a
    /// majority flushed it). Fails with <see cref="NotLeaderException"/> if this node does not lead, or stops leading
    /// before the batch commits.
    /// </summary>
    public Task<long> AppendAsync(IReadOnlyList<byte[]> values, CancellationToken cancellationToken = default)
    {
        var result = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (cancellationToken.CanBeCanceled) cancellationToken.Register(() => result.TrySetCanceled(cancellationToken));
        Post(result, () =>
        {
            var appended = _node.Append(values);
            if (!appended.IsAppended)
            {
                result.TrySetException(new NotLeaderException(_node.CurrentLeader, $"node {NodeId} is not the leader ({_node.CurrentLeader})"));
                return;
            }
            _pending[appended.LastOffset] = new PendingAppend(appended.Epoch, result);
        });
        return result.Task;
    }

    /// <summary>Graceful resignation (KIP-595 EndQuorumEpoch); true if this node was leader.</summary>
    public Task<bool> ResignAsync() => Call(() => _node.Resign());

    /// <summary>The quorum's progress as this node knows it (complete on the leader).</summary>
    public Task<QuorumInfo> DescribeQuorumAsync() => Call(_node.DescribeQuorum);

    /// <summary>Snapshot of the state machine at <paramref name="endOffset"/>; see <see cref="RaftNode.CreateSnapshot"/>.</summary>
    public Task<OffsetAndEpoch> CreateSnapshotAsync(long endOffset, IReadOnlyList<byte[]> records) => Call(() => _node.CreateSnapshot(endOffset, records));

    /// <summary>Adds a caught-up observer to the voter set (KIP-853); completes when the new set is committed or refused.</summary>
    public Task<VoterChangeResult> AddVoterAsync(RaftVoter voter, CancellationToken cancellationToken = default) =>
        ChangeVotersAsync(() => _node.AddVoter(voter), cancellationToken);

    /// <summary>Removes a voter (KIP-853); completes when the new set is committed or refused.</summary>
    public Task<VoterChangeResult> RemoveVoterAsync(int voterId, Brook.Common.Uuid directoryId, CancellationToken cancellationToken = default) =>
        ChangeVotersAsync(() => _node.RemoveVoter(voterId, directoryId), cancellationToken);

    /// <summary>Replaces a voter's endpoints (KIP-853); completes when the new set is committed or refused.</summary>
    public Task<VoterChangeResult> UpdateVoterAsync(RaftVoter voter, CancellationToken cancellationToken = default) =>
        ChangeVotersAsync(() => _node.UpdateVoter(voter), cancellationToken);

    /// <summary>
    /// Runs a voter change on the loop and, when the leader appended it, waits for that voters record to commit like
    /// an append. Losing leadership first answers NOT_LEADER_OR_FOLLOWER (the change may still commit under the next
    /// leader, as with any append); cancellation is the caller's timeout.
    /// </summary>
    private async Task<VoterChangeResult> ChangeVotersAsync(Func<VoterChangeResult> change, CancellationToken cancellationToken)
    {
        var committed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var result = await Call(() =>
        {
            var r = change();
            if (r.IsAppended) _pending[r.Offset] = new PendingAppend(r.Epoch, committed);
            return r;
        }).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!result.IsAppended) return result;
        try
        {
            await committed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (NotLeaderException e)
        {
            return VoterChangeResult.Refused(Brook.Common.ErrorCode.NotLeaderOrFollower, e.Message);
        }
    }

    /// <summary>Resigns if leader (so a successor is elected at once), stops the loop and fails waiting appends.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_loop is null) return;
        try
        {
            await ResignAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // The loop already ended.
        }
        _inbox.Writer.TryComplete();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Raft loop of node {Node} had failed", NodeId);
        }
    }

    private Task<T> Call<T>(Func<T> action)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(result, () => result.TrySetResult(action()));
        return result.Task;
    }

    private void Post<T>(TaskCompletionSource<T> result, Action action)
    {
        var posted = _inbox.Writer.TryWrite(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                result.TrySetException(e);
                // A bad argument fails the call; anything else (storage) is fatal to the node and ends the loop.
                if (e is not ArgumentException) throw;
            }
        });
        if (!posted) result.TrySetException(new ObjectDisposedException(nameof(RaftServer)));
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                while (_inbox.Reader.TryRead(out var item))
                {
                    item();
                    AfterStep();
                }
                var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
                var next = _node.NextPollTimeMs;
                if (next <= now)
                {
                    _node.Poll();
                    AfterStep();
                    continue;
                }
                var delay = next == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(Math.Min(next - now, int.MaxValue));
                using var timer = new CancellationTokenSource(delay, _time);
                try
                {
                    if (!await _inbox.Reader.WaitToReadAsync(timer.Token).ConfigureAwait(false)) break;
                }
                catch (OperationCanceledException) when (timer.IsCancellationRequested)
                {
                    // The poll time came.
                }
            }
        }
        catch (Exception e)
        {
            _logger.LogCritical(e, "Raft node {Node} stopped: its loop failed", NodeId);
            FailPending(e);
            throw;
        }
        finally
        {
            _inbox.Writer.TryComplete();
            FailPending(new ObjectDisposedException(nameof(RaftServer), "the raft server stopped"));
        }
    }

    /// <summary>After every step on the loop: publish the status, and fail appends whose leadership ended.</summary>
    private void AfterStep()
    {
        Publish();
        if (_pending.Count == 0) return;
        if (_node.Role == RaftRole.Leader)
        {
            var epoch = _node.Epoch;
            if (_pending.Values.All(p => p.Epoch == epoch)) return;
        }
        var leader = _node.CurrentLeader;
        foreach (var (offset, pending) in _pending.ToList())
        {
            if (_node.Role == RaftRole.Leader && pending.Epoch == _node.Epoch) continue;
            _pending.Remove(offset);
            pending.Result.TrySetException(new NotLeaderException(leader,
                $"node {NodeId} stopped leading epoch {pending.Epoch} before the batch ending at {offset} committed; it may still commit"));
        }
    }

    private void Publish()
    {
        var voters = _node.Voters;
        _status = new StatusSnapshot(_node.CurrentLeader, _node.Role, _node.HighWatermark, voters, _node.LastSilentLeader);
    }

    private void FailPending(Exception e)
    {
        foreach (var pending in _pending.Values) pending.Result.TrySetException(e);
        _pending.Clear();
    }

    private void OnCommit(CommittedBatch batch)
    {
        // Completed by the batch itself coming back: offset and epoch must both match, or another leader's batch won.
        while (_pending.Count > 0)
        {
            var (offset, pending) = _pending.First();
            if (offset > batch.LastOffset) break;
            _pending.Remove(offset);
            if (offset == batch.LastOffset && pending.Epoch == batch.Epoch) pending.Result.TrySetResult(offset);
            else pending.Result.TrySetException(new NotLeaderException(_node.CurrentLeader, $"the batch ending at {offset} was replaced by another leader's"));
        }
        _listener.OnCommit(batch);
        Committed?.Invoke(batch);
    }

    private void OnSnapshotLoad(RaftSnapshot snapshot)
    {
        while (_pending.Count > 0 && _pending.First().Key < snapshot.Id.Offset)
        {
            var (offset, pending) = _pending.First();
            _pending.Remove(offset);
            pending.Result.TrySetException(new NotLeaderException(_node.CurrentLeader, $"the batch ending at {offset} is covered by a snapshot; its fate is unknown"));
        }
        _listener.OnSnapshotLoad(snapshot);
    }

    private void OnLeaderChange(LeaderAndEpoch leader)
    {
        _listener.OnLeaderChange(leader);
        LeaderChanged?.Invoke(leader);
    }

    private sealed record PendingAppend(int Epoch, TaskCompletionSource<long> Result);

    private sealed record StatusSnapshot(LeaderAndEpoch Leader, RaftRole Role, long HighWatermark, VoterSet Voters, SilentLeader? SilentLeader = null);

    /// <summary>The node's listener: completes appends, then forwards to the user's listener and the events.</summary>
    private sealed class LoopListener(RaftServer server) : IRaftListener
    {
        public void OnCommit(CommittedBatch batch) => server.OnCommit(batch);
        public void OnSnapshotLoad(RaftSnapshot snapshot) => server.OnSnapshotLoad(snapshot);
        public void OnLeaderChange(LeaderAndEpoch leader) => server.OnLeaderChange(leader);
    }
}
