using Brook.Common;
using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>
/// The full state of one partition. Replaying it for a partition that already exists replaces that partition's state,
/// so leader and ISR changes are written as a new PartitionRecord with bumped epochs (Kafka uses a separate
/// PartitionChangeRecord holding only the difference; a full record is simpler and the partition state is small).
/// During a reassignment (KIP-455) <see cref="Replicas"/> holds the target replicas followed by those being removed,
/// and <see cref="AddingReplicas"/> / <see cref="RemovingReplicas"/> say which are which. Version 1 adds those two
/// lists; version 2 adds <see cref="Directories"/> (KIP-858: which log directory each replica lives in, as its broker
/// reported with AssignReplicasToDirs); version 3 adds <see cref="EligibleLeaderReplicas"/> and <see cref="LastKnownElr"/>
/// (KIP-966). A record is written in the lowest version that holds what it carries.
/// </summary>
public sealed record PartitionRecord(
    Uuid TopicId,
    int PartitionIndex,
    IReadOnlyList<int> Replicas,
    IReadOnlyList<int> Isr,
    int Leader,
    int LeaderEpoch,
    int PartitionEpoch) : MetadataRecord
{
    /// <summary>Replicas being added by a reassignment (not yet in the ISR when it started); empty otherwise.</summary>
    public IReadOnlyList<int> AddingReplicas { get; init; } = [];

    /// <summary>Replicas a reassignment removes once every adding replica is in the ISR; empty otherwise.</summary>
    public IReadOnlyList<int> RemovingReplicas { get; init; } = [];

    public override MetadataRecordType Type => MetadataRecordType.Partition;

    /// <summary>
    /// The log directory of each replica whose broker has reported one (KIP-858); a replica missing here is
    /// unassigned. Kept by broker id rather than by position, so a change of <see cref="Replicas"/> cannot misalign it.
    /// </summary>
    public IReadOnlyList<ReplicaDirectory> Directories { get; init; } = [];

    /// <summary>
    /// Eligible leader replicas (KIP-966): replicas outside the ISR known to hold every committed record, because they
    /// left it while it was below min.insync.replicas (the high watermark cannot move then). Empty otherwise.
    /// </summary>
    public IReadOnlyList<int> EligibleLeaderReplicas { get; init; } = [];

    /// <summary>
    /// The partition's last leader, kept while it has none after its ISR emptied (KIP-966's last known leader): the
    /// replica elected when no ISR or ELR member is left. Empty while the partition has a leader.
    /// </summary>
    public IReadOnlyList<int> LastKnownElr { get; init; } = [];

    public override short Version => EligibleLeaderReplicas.Count > 0 || LastKnownElr.Count > 0 ? (short)3
        : Directories.Count > 0 ? (short)2
        : AddingReplicas.Count > 0 || RemovingReplicas.Count > 0 ? (short)1 : (short)0;

    internal override void WriteFields(ProtocolWriter writer)
    {
        writer.WriteUuid(TopicId);
        writer.WriteInt32(PartitionIndex);
        writer.WriteArray(Replicas, static (w, id) => w.WriteInt32(id));
        writer.WriteArray(Isr, static (w, id) => w.WriteInt32(id));
        writer.WriteInt32(Leader);
        writer.WriteInt32(LeaderEpoch);
        writer.WriteInt32(PartitionEpoch);
        if (Version >= 1)
        {
            writer.WriteArray(AddingReplicas, static (w, id) => w.WriteInt32(id));
            writer.WriteArray(RemovingReplicas, static (w, id) => w.WriteInt32(id));
        }
        if (Version >= 2)
        {
            writer.WriteArray(Directories, static (w, d) =>
            {
                w.WriteInt32(d.BrokerId);
                w.WriteUuid(d.DirectoryId);
            });
        }
        if (Version >= 3)
        {
            writer.WriteArray(EligibleLeaderReplicas, static (w, id) => w.WriteInt32(id));
            writer.WriteArray(LastKnownElr, static (w, id) => w.WriteInt32(id));
        }
    }

    internal static PartitionRecord ReadFields(ref ProtocolReader reader, short version)
    {
        var topicId = reader.ReadUuid();
        var index = reader.ReadInt32();
        var replicas = reader.ReadArray(static (ref ProtocolReader r) => r.ReadInt32());
        var isr = reader.ReadArray(static (ref ProtocolReader r) => r.ReadInt32());
        var record = new PartitionRecord(topicId, index, replicas, isr, reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
        if (version < 1) return record;
        record = record with
        {
            AddingReplicas = reader.ReadArray(static (ref ProtocolReader r) => r.ReadInt32()),
            RemovingReplicas = reader.ReadArray(static (ref ProtocolReader r) => r.ReadInt32()),
        };
        if (version < 2) return record;
        record = record with
        {
            Directories = reader.ReadArray(static (ref ProtocolReader r) => new ReplicaDirectory(r.ReadInt32(), r.ReadUuid())),
        };
        if (version < 3) return record;
        return record with
        {
            EligibleLeaderReplicas = reader.ReadArray(static (ref ProtocolReader r) => r.ReadInt32()),
            LastKnownElr = reader.ReadArray(static (ref ProtocolReader r) => r.ReadInt32()),
        };
    }
}
