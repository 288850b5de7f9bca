namespace Brook.Protocol.Records;

/// <summary>
/// One record that made its batch be refused (KIP-467): its index inside the batch and why. ProduceResponse v8+
/// carries these as record_errors so the client fails exactly those records and retries or fails the rest knowingly.
/// </summary>
public readonly record struct RecordError(int BatchIndex, string Message);
