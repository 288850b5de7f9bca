namespace Brook.Protocol.Records;

/// <summary>A record header to write: a non-null key (UTF-8 on the wire) and a nullable value.</summary>
public readonly record struct RecordHeader(string Key, byte[]? Value);
