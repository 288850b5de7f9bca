namespace Brook.Protocol.Records.Control;

/// <summary>
/// The value of a KRaft control record (types 2-6). Each is a flexible versioned struct whose first field, Version,
/// names the schema version the rest is encoded in; <see cref="KRaftControlRecords"/> writes a value at its own
/// <see cref="Version"/> and reads the leading int16 to pick the layout.
/// </summary>
public interface IControlRecordValue : IMessage
{
    /// <summary>The control record type that carries this value in its key.</summary>
    ControlRecordType Type { get; }
    /// <summary>The value's Version field: the schema version it was read in and is written in.</summary>
    short Version { get; set; }
    /// <summary>The newest schema version this codec knows for the value.</summary>
    short MaxVersion { get; }
}
