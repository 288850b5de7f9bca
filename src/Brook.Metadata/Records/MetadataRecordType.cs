namespace Brook.Metadata.Records;

/// <summary>
/// The int16 type tag that starts every metadata record on disk. The numbering is Brook's own (the layouts are not
/// Kafka's metadata record schemas), so values are never reused: retire a number rather than recycle it.
/// </summary>
public enum MetadataRecordType : short
{
    ClusterId = 1,
    RegisterBroker = 2,
    Topic = 3,
    Partition = 4,
    Config = 5,
    RemoveTopic = 6,
    ProducerIds = 7,
    BrokerRegistrationChange = 8,
    UnregisterBroker = 9,
}
