using Brook.Coordination.Records;

namespace Brook.Coordination.Model;

/// <summary>
/// A committed (or, in <see cref="ClassicGroup.PendingTransactions"/>, a pending transactional) offset and the sequence
/// number of the append that wrote it. Appends are issued in sequence order and replayed records get the next number
/// as they are read, so comparing sequences compares positions in the log: it stops a late-completing older commit from
/// overwriting a newer one, and decides whether a transaction's offsets, once committed, replace what is there (they do
/// only if written after it, as in Kafka, which compares record offsets).
/// </summary>
internal sealed record CommittedOffset(OffsetCommitValue Value, long Sequence);
