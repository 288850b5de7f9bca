using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Storage;

/// <summary>
/// Outcome of <see cref="PartitionLog.Append"/>. On success FirstOffset..LastOffset are the offsets assigned; for a
/// <see cref="Duplicate"/> they are the offsets the original batch got. LogAppendTime is -1 unless the broker stamped
/// LogAppendTime. On error the offsets are -1.
/// </summary>
public readonly record struct AppendResult(
    ErrorCode Error,
    long FirstOffset,
    long LastOffset,
    long LogAppendTime,
    long LogStartOffset,
    string? ErrorMessage,
    bool Duplicate)
{
    public bool IsSuccess => Error == ErrorCode.None;

    /// <summary>The records that made a produced batch be refused (KIP-467); empty otherwise.</summary>
    public IReadOnlyList<RecordError> RecordErrors { get; init; } = [];

    internal static AppendResult Failed(ErrorCode error, string message, long logStartOffset) =>
        new(error, -1, -1, -1, logStartOffset, message, false);
}
