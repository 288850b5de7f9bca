namespace Brook.Protocol.Messages;

/// <summary>
/// The body of the flexible responses that say only whether the request worked: throttle time, error code, nullable
/// error message, tagged fields (UnregisterBroker, ControllerRegistration, AddRaftVoter, RemoveRaftVoter). Each API
/// keeps its own sealed response type so handlers and clients name the API they answer.
/// </summary>
public abstract class ErrorMessageResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        ErrorMessage = reader.ReadNullableString();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteNullableString(ErrorMessage);
        writer.WriteEmptyTaggedFields();
    }
}
