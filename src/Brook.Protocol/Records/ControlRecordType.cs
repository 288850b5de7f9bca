namespace Brook.Protocol.Records;

/// <summary>The type field of a control record's key. Kafka defines more (KRaft leader change, snapshots) for its own logs.</summary>
public enum ControlRecordType : short
{
    /// <summary>End of an aborted transaction.</summary>
    Abort = 0,
    /// <summary>End of a committed transaction.</summary>
    Commit = 1,
}
