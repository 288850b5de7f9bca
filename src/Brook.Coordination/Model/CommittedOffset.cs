using Brook.Coordination.Records;

namespace Brook.Coordination.Model;

/// <summary>
/// A committed offset and the sequence number of the append that wrote it (-1 when loaded from the log). Appends are
/// issued in sequence order, so the sequence is the record's log order and stops a late-completing older commit from
/// overwriting a newer one.
/// </summary>
internal sealed record CommittedOffset(OffsetCommitValue Value, long Sequence);
