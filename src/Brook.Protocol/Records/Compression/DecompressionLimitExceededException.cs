namespace Brook.Protocol.Records.Compression;

/// <summary>
/// A compressed payload inflates past the caller's limit. Kept apart from plain corruption because a small batch that
/// expands without bound (a "compression bomb") must be refused before it exhausts memory, with its own error code.
/// </summary>
public sealed class DecompressionLimitExceededException : IOException
{
    public DecompressionLimitExceededException() : base("decompressed data exceeds the limit") { }
    public DecompressionLimitExceededException(string message) : base(message) { }
    public DecompressionLimitExceededException(string message, Exception innerException) : base(message, innerException) { }

    public DecompressionLimitExceededException(int limit)
        : base($"decompressed data exceeds the limit of {limit} bytes") => Limit = limit;

    public int Limit { get; }
}
