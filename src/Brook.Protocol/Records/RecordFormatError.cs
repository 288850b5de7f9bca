namespace Brook.Protocol.Records;

/// <summary>Why a record failed to parse; an enum so that reporting it costs nothing until a message is needed.</summary>
internal enum RecordFormatError
{
    None,
    BadLengthPrefix,
    RecordTruncated,
    BadTimestampDelta,
    BadOffsetDelta,
    BadKeyLength,
    BadValueLength,
    BadHeaderCount,
    BadHeaderKeyLength,
    BadHeaderValueLength,
    SizeMismatch,
}

internal static class RecordFormatErrorText
{
    public static string Describe(this RecordFormatError error, int recordIndex) => error switch
    {
        RecordFormatError.BadLengthPrefix => $"record {recordIndex}: missing or malformed length prefix",
        RecordFormatError.RecordTruncated => $"record {recordIndex}: length runs past the end of the records",
        RecordFormatError.BadTimestampDelta => $"record {recordIndex}: malformed timestamp delta",
        RecordFormatError.BadOffsetDelta => $"record {recordIndex}: malformed offset delta",
        RecordFormatError.BadKeyLength => $"record {recordIndex}: invalid key length",
        RecordFormatError.BadValueLength => $"record {recordIndex}: invalid value length",
        RecordFormatError.BadHeaderCount => $"record {recordIndex}: invalid header count",
        RecordFormatError.BadHeaderKeyLength => $"record {recordIndex}: invalid header key length",
        RecordFormatError.BadHeaderValueLength => $"record {recordIndex}: invalid header value length",
        RecordFormatError.SizeMismatch => $"record {recordIndex}: fields do not fill the declared record length",
        _ => $"record {recordIndex}: malformed",
    };
}
