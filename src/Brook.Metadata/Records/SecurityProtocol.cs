namespace Brook.Metadata.Records;

/// <summary>A listener's security protocol, numbered as Kafka's SecurityProtocol ids (as sent in broker registrations).</summary>
public enum SecurityProtocol : short
{
    Plaintext = 0,
    Ssl = 1,
    SaslPlaintext = 2,
    SaslSsl = 3,
}
