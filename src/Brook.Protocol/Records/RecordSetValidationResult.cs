using Brook.Common;

namespace Brook.Protocol.Records;

/// <summary>
/// Outcome of <see cref="RecordBatchValidator.Validate"/>: either every batch of the set (in order, with its position
/// and size so the caller can slice and append them) or the first problem found, as a Kafka error code with a message
/// and, for record-level problems, the record's index in its batch. When records broke the topic's
/// <see cref="RecordRules"/>, <see cref="RecordErrors"/> lists every one of them (ProduceResponse record_errors, KIP-467).
/// </summary>
public readonly struct RecordSetValidationResult
{
    private readonly RecordBatchInfo[]? _batches;

    private RecordSetValidationResult(RecordBatchInfo[]? batches, int totalRecordCount, ErrorCode error, string? message,
        int errorBatchIndex, int errorRecordIndex, IReadOnlyList<RecordError>? recordErrors = null)
    {
        RecordErrors = recordErrors ?? [];
        _batches = batches;
        TotalRecordCount = totalRecordCount;
        Error = error;
        ErrorMessage = message;
        ErrorBatchIndex = errorBatchIndex;
        ErrorRecordIndex = errorRecordIndex;
    }

    public bool IsValid => Error == ErrorCode.None && _batches is not null;
    public ErrorCode Error { get; }
    public string? ErrorMessage { get; }
    /// <summary>Index of the failing batch in the set; -1 when valid.</summary>
    public int ErrorBatchIndex { get; }
    /// <summary>Index of the failing record in its batch; -1 when the problem is not one record's.</summary>
    public int ErrorRecordIndex { get; }

    /// <summary>Every record that broke a per-record rule, in record order; empty for any other outcome.</summary>
    public IReadOnlyList<RecordError> RecordErrors { get; }

    /// <summary>The batches in set order; empty unless <see cref="IsValid"/>.</summary>
    public ReadOnlySpan<RecordBatchInfo> Batches => _batches;
    public int BatchCount => _batches?.Length ?? 0;
    public int TotalRecordCount { get; }
    public RecordBatchInfo FirstBatch => _batches is { Length: > 0 } b ? b[0] : throw new InvalidOperationException("no batches");
    public RecordBatchInfo LastBatch => _batches is { Length: > 0 } b ? b[^1] : throw new InvalidOperationException("no batches");

    internal static RecordSetValidationResult Success(RecordBatchInfo[] batches, int totalRecordCount) =>
        new(batches, totalRecordCount, ErrorCode.None, null, -1, -1);

    internal static RecordSetValidationResult Failure(ErrorCode error, string message, int batchIndex, int recordIndex = -1) =>
        new(null, 0, error, message, batchIndex, recordIndex);

    internal static RecordSetValidationResult RecordsRejected(ErrorCode error, string message, int batchIndex, IReadOnlyList<RecordError> recordErrors) =>
        new(null, 0, error, message, batchIndex, recordErrors[0].BatchIndex, recordErrors);

    public override string ToString() => IsValid
        ? $"valid: {BatchCount} batch(es), {TotalRecordCount} record(s)"
        : $"{Error}: {ErrorMessage}";
}
