using System.Buffers.Binary;
using Brook.Raft.Messages;

namespace Brook.Raft.Tests.Simulation;

/// <summary>
/// The replicated state machine of one simulated node: the list of batches applied (offsets, epoch, content hash).
/// It checks that commits arrive once and contiguously, takes snapshots of itself, and restores them.
/// </summary>
public sealed class SimStateMachine(int nodeId, int snapshotEveryBatches) : IRaftListener
{
    public int NodeId { get; } = nodeId;
    public RaftNode? Node { get; set; }
    public List<AppliedBatch> Applied { get; } = [];
    /// <summary>Index into <see cref="Applied"/> up to which the checker compared with the truth.</summary>
    public int Checked { get; set; }
    public long NextOffset { get; private set; }
    public int SnapshotLoads { get; private set; }
    public int SnapshotsTaken { get; private set; }
    private int _sinceSnapshot;

    public void OnCommit(CommittedBatch batch)
    {
        if (batch.BaseOffset != NextOffset)
            throw new SimulationViolationException($"node {NodeId}: listener got the batch at {batch.BaseOffset} but expected {NextOffset}");
        Applied.Add(new AppliedBatch(batch.BaseOffset, batch.LastOffset, batch.Epoch, ContentHash(batch)));
        NextOffset = batch.NextOffset;
        if (snapshotEveryBatches > 0 && ++_sinceSnapshot >= snapshotEveryBatches && Node is { } node)
        {
            _sinceSnapshot = 0;
            node.CreateSnapshot(NextOffset, Serialize());
            SnapshotsTaken++;
        }
    }

    public void OnSnapshotLoad(RaftSnapshot snapshot)
    {
        if (snapshot.Id.Offset <= NextOffset && NextOffset > 0)
            throw new SimulationViolationException($"node {NodeId}: snapshot {snapshot.Id} loaded although the state machine is already at {NextOffset}");
        Applied.Clear();
        Checked = 0;
        foreach (var r in snapshot.Records)
        {
            Applied.Add(new AppliedBatch(BinaryPrimitives.ReadInt64BigEndian(r), BinaryPrimitives.ReadInt64BigEndian(r.AsSpan(8)),
                BinaryPrimitives.ReadInt32BigEndian(r.AsSpan(16)), BinaryPrimitives.ReadUInt64BigEndian(r.AsSpan(20))));
        }
        var end = Applied.Count > 0 ? Applied[^1].LastOffset + 1 : 0;
        if (end != snapshot.Id.Offset)
            throw new SimulationViolationException($"node {NodeId}: snapshot {snapshot.Id} holds state up to {end}");
        NextOffset = snapshot.Id.Offset;
        SnapshotLoads++;
    }

    public void OnLeaderChange(LeaderAndEpoch leader) { }

    private List<byte[]> Serialize()
    {
        var records = new List<byte[]>(Applied.Count);
        foreach (var a in Applied)
        {
            var r = new byte[28];
            BinaryPrimitives.WriteInt64BigEndian(r, a.BaseOffset);
            BinaryPrimitives.WriteInt64BigEndian(r.AsSpan(8), a.LastOffset);
            BinaryPrimitives.WriteInt32BigEndian(r.AsSpan(16), a.Epoch);
            BinaryPrimitives.WriteUInt64BigEndian(r.AsSpan(20), a.Hash);
            records.Add(r);
        }
        return records;
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

/// <summary>One batch as a state machine applied it.</summary>
public readonly record struct AppliedBatch(long BaseOffset, long LastOffset, int Epoch, ulong Hash);
