namespace Brook.Raft.Messages;

/// <summary>
/// An (offset, epoch) pair: a log position tagged with the leader epoch of the entry before it. Used for a snapshot id
/// (its end offset and the epoch of its last entry), a diverging epoch, and to compare logs by up-to-dateness.
/// </summary>
public readonly record struct OffsetAndEpoch(long Offset, int Epoch) : IComparable<OffsetAndEpoch>
{
    /// <summary>Raft's up-to-date order (KIP-595): the later last epoch wins, then the longer log.</summary>
    public int CompareTo(OffsetAndEpoch other) => Epoch != other.Epoch ? Epoch.CompareTo(other.Epoch) : Offset.CompareTo(other.Offset);

    public static bool operator <(OffsetAndEpoch a, OffsetAndEpoch b) => a.CompareTo(b) < 0;
    public static bool operator >(OffsetAndEpoch a, OffsetAndEpoch b) => a.CompareTo(b) > 0;
    public static bool operator <=(OffsetAndEpoch a, OffsetAndEpoch b) => a.CompareTo(b) <= 0;
    public static bool operator >=(OffsetAndEpoch a, OffsetAndEpoch b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Offset}@{Epoch}";
}
