using Brook.Common;

namespace Brook.Storage.Producers;

/// <summary>Result of checking an append's producer batches: an error, a duplicate of an earlier batch, or neither.</summary>
internal readonly record struct ProducerCheck(ErrorCode Error, string? Message, BatchMetadata? Duplicate)
{
    public static ProducerCheck Fail(ErrorCode error, string message) => new(error, message, null);
    public static ProducerCheck DuplicateOf(BatchMetadata batch) => new(ErrorCode.None, null, batch);
}
