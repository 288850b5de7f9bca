using System.Buffers.Binary;
using Brook.Raft.Messages;

namespace Brook.Raft.Tests.Simulation;

/// <summary>
/// The replicated state machine of one simulated node: a rolling hash over every batch applied (offsets, epoch,
/// content), so two states are equal exactly when their histories are. It checks that commits arrive once and
/// contiguously, snapshots itself (the snapshot holds the offset and the rolling hash), and restores snapshots.
/// </summary>
public sealed class SimStateMachine(int nodeId, int snapshotEveryBatches) : IRaftListener
{
    public int NodeId { get; } = nodeId;
    public RaftNode? Node { get; set; }
    /// <summary>Batches applied since the checker last looked; it drains the list.</summary>
    public List<AppliedBatch> Applied { get; } = [];
    /// <summary>Snapshots loaded since the checker last looked: (end offset, rolling hash).</summary>
    public List<(long Offset, ulong Rolling)> Loaded { get; } = [];
    public long NextOffset { get; private set; }
    public ulong Rolling { get; private set; }
    public int SnapshotLoads { get; private set; }
    public int SnapshotsTaken { get; private set; }
    private int _sinceSnapshot;

    public void OnCommit(CommittedBatch batch)
    {
        if (batch.BaseOffset != NextOffset)
            throw new SimulationViolationException($"node {NodeId}: listener got the batch at {batch.BaseOffset} but expected {NextOffset}");
        var hash = ContentHash(batch);
        Rolling = Mix(Rolling, hash);
        Applied.Add(new AppliedBatch(batch.BaseOffset, batch.LastOffset, batch.Epoch, hash, Rolling));
        NextOffset = batch.NextOffset;
        if (snapshotEveryBatches > 0 && ++_sinceSnapshot >= snapshotEveryBatches && Node is { } node)
        {
            _sinceSnapshot = 0;
            var state = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(state, Rolling);
            node.CreateSnapshot(NextOffset, [state]);
            SnapshotsTaken++;
        }
    }

    public void OnSnapshotLoad(RaftSnapshot snapshot)
    {
        if (snapshot.Id.Offset <= NextOffset && NextOffset > 0)
            throw new SimulationViolationException($"node {NodeId}: snapshot {snapshot.Id} loaded although the state machine is already at {NextOffset}");
        if (snapshot.Records.Count != 1 || snapshot.Records[0].Length != 8)
            throw new SimulationViolationException($"node {NodeId}: snapshot {snapshot.Id} does not hold the state written");
        Rolling = BinaryPrimitives.ReadUInt64BigEndian(snapshot.Records[0]);
        NextOffset = snapshot.Id.Offset;
        Loaded.Add((NextOffset, Rolling));
        SnapshotLoads++;
    }

    public void OnLeaderChange(LeaderAndEpoch leader) { }

    private static ulong Mix(ulong rolling, ulong hash)
    {
        Span<byte> pair = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(pair, rolling);
        BinaryPrimitives.WriteUInt64BigEndian(pair[8..], hash);
        return System.IO.Hashing.XxHash64.HashToUInt64(pair);
    }

    public static ulong ContentHash(CommittedBatch batch)
    {
        var hash = new System.IO.Hashing.XxHash64();
        Span<byte> header = stackalloc byte[21];
        BinaryPrimitives.WriteInt64BigEndian(header, batch.BaseOffset);
        BinaryPrimitives.WriteInt64BigEndian(header[8..], batch.LastOffset);
        BinaryPrimitives.WriteInt32BigEndian(header[16..], batch.Epoch);
        header[20] = batch.IsControl ? (byte)1 : (byte)0;
        hash.Append(header);
        Span<byte> length = stackalloc byte[4];
        foreach (var r in batch.Records)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, r.Length);
            hash.Append(length);
            hash.Append(r);
        }
        return hash.GetCurrentHashAsUInt64();
    }
}
