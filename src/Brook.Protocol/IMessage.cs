namespace Brook.Protocol;

/// <summary>
/// A request or response body. One class holds the newest shape of the message; <c>Read</c> and <c>Write</c> take the
/// version and handle the fields that version has (older versions are up-converted on read, down-converted on write).
/// </summary>
public interface IMessage
{
    void Read(ref ProtocolReader reader, short version);
    void Write(ProtocolWriter writer, short version);
}

/// <summary>A request body that names its API; its descriptor sets the header versions and flexibility.</summary>
public interface IRequestMessage : IMessage
{
    static abstract ApiDescriptor Api { get; }
}
