namespace Brook.Protocol.Messages;

// FindCoordinator (key 10), versions 0-6, flexible from 3 (KIP-482).
// v1 adds KeyType and the response's throttle time and error message; v4 batches several keys per request (KIP-699),
// moving the single Key and the single answer into CoordinatorKeys / Coordinators; v5 may answer TRANSACTION_ABORTABLE
// (KIP-890); v6 allows the share-group key type (KIP-932).

/// <summary>
/// FindCoordinator request, held in the batched v4+ shape: a v0-3 single Key reads as a one-element
/// <see cref="CoordinatorKeys"/>, and writing v0-3 requires exactly one key.
/// </summary>
public sealed class FindCoordinatorRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.FindCoordinator, 0, 6, 3);

    public const sbyte KeyTypeGroup = 0;
    public const sbyte KeyTypeTransaction = 1;
    public const sbyte KeyTypeShare = 2;

    /// <summary>Group (0), transaction (1) or share group (2); v0 only knows groups.</summary>
    public sbyte KeyType { get; set; } = KeyTypeGroup;
    public List<string> CoordinatorKeys { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version <= 3) CoordinatorKeys = [reader.ReadString()];
        if (version >= 1) KeyType = reader.ReadInt8();
        if (version >= 4) CoordinatorKeys = reader.ReadArray(static (ref ProtocolReader r) => r.ReadString());
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version <= 3)
        {
            if (CoordinatorKeys.Count != 1)
                throw new InvalidOperationException($"FindCoordinator v{version} carries exactly one key, not {CoordinatorKeys.Count}");
            writer.WriteString(CoordinatorKeys[0]);
        }
        if (version >= 1) writer.WriteInt8(KeyType);
        if (version >= 4) writer.WriteArray(CoordinatorKeys, static (w, k) => w.WriteString(k));
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>
/// FindCoordinator response, held in the batched v4+ shape: a v0-3 answer reads as one <see cref="Coordinator"/>
/// (with an empty Key, which v0-3 do not echo), and writing v0-3 requires exactly one entry.
/// </summary>
public sealed class FindCoordinatorResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<Coordinator> Coordinators { get; set; } = [];

    /// <summary>The coordinator found for one key, or the error that prevented it.</summary>
    public sealed class Coordinator
    {
        public string Key { get; set; } = "";
        public int NodeId { get; set; }
        public string Host { get; set; } = "";
        public int Port { get; set; }
        public short ErrorCode { get; set; }
        public string? ErrorMessage { get; set; }
    }

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 1) ThrottleTimeMs = reader.ReadInt32();
        if (version <= 3)
        {
            var single = new Coordinator { ErrorCode = reader.ReadInt16() };
            if (version >= 1) single.ErrorMessage = reader.ReadNullableString();
            single.NodeId = reader.ReadInt32();
            single.Host = reader.ReadString();
            single.Port = reader.ReadInt32();
            Coordinators = [single];
        }
        else
        {
            Coordinators = reader.ReadArray(static (ref ProtocolReader r) =>
            {
                var c = new Coordinator
                {
                    Key = r.ReadString(),
                    NodeId = r.ReadInt32(),
                    Host = r.ReadString(),
                    Port = r.ReadInt32(),
                    ErrorCode = r.ReadInt16(),
                    ErrorMessage = r.ReadNullableString(),
                };
                r.SkipTaggedFields();
                return c;
            });
        }
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        if (version <= 3)
        {
            if (Coordinators.Count != 1)
                throw new InvalidOperationException($"FindCoordinator v{version} answers exactly one key, not {Coordinators.Count}");
            var single = Coordinators[0];
            writer.WriteInt16(single.ErrorCode);
            if (version >= 1) writer.WriteNullableString(single.ErrorMessage);
            writer.WriteInt32(single.NodeId);
            writer.WriteString(single.Host);
            writer.WriteInt32(single.Port);
        }
        else
        {
            writer.WriteArray(Coordinators, static (w, c) =>
            {
                w.WriteString(c.Key);
                w.WriteInt32(c.NodeId);
                w.WriteString(c.Host);
                w.WriteInt32(c.Port);
                w.WriteInt16(c.ErrorCode);
                w.WriteNullableString(c.ErrorMessage);
                w.WriteEmptyTaggedFields();
            });
        }
        writer.WriteEmptyTaggedFields();
    }
}
