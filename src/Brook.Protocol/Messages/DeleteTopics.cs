using Brook.Common;

namespace Brook.Protocol.Messages;

// DeleteTopics (key 20), versions 0-6, flexible from 4 (KIP-482).
// v0-5 name topics in a flat string array; v6 replaces it with (Name, TopicId) pairs so a topic can be deleted by id
// (KIP-516). v5 adds per-topic error messages and may answer THROTTLING_QUOTA_EXCEEDED (KIP-599).

/// <summary>
/// DeleteTopics request. Held in the v6 shape: older versions' name list reads into <see cref="Topics"/> with zero ids,
/// and writing an old version sends the names only.
/// </summary>
public sealed class DeleteTopicsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.DeleteTopics, 0, 6, 4);

    public List<DeleteTopicState> Topics { get; set; } = [];
    public int TimeoutMs { get; set; }

    /// <summary>One topic to delete: by name, or (v6) by id with a null name.</summary>
    public sealed class DeleteTopicState
    {
        public string? Name { get; set; }
        public Uuid TopicId { get; set; }
    }

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 6)
        {
            Topics = reader.ReadArray(static (ref ProtocolReader r) =>
            {
                var t = new DeleteTopicState { Name = r.ReadNullableString(), TopicId = r.ReadUuid() };
                r.SkipTaggedFields();
                return t;
            });
        }
        else
        {
            Topics = reader.ReadArray(static (ref ProtocolReader r) => new DeleteTopicState { Name = r.ReadString() });
        }
        TimeoutMs = reader.ReadInt32();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 6)
        {
            writer.WriteArray(Topics, static (w, t) =>
            {
                w.WriteNullableString(t.Name);
                w.WriteUuid(t.TopicId);
                w.WriteEmptyTaggedFields();
            });
        }
        else
        {
            writer.WriteArray(Topics, static (w, t) => w.WriteString(t.Name ?? ""));
        }
        writer.WriteInt32(TimeoutMs);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>DeleteTopics response: one result per requested topic.</summary>
public sealed class DeleteTopicsResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public List<DeletableTopicResult> Responses { get; set; } = [];

    /// <summary>The outcome of deleting one topic.</summary>
    public sealed class DeletableTopicResult
    {
        /// <summary>Null only from v6, for a topic asked for by an unknown id.</summary>
        public string? Name { get; set; } = "";
        public Uuid TopicId { get; set; }
        public short ErrorCode { get; set; }
        public string? ErrorMessage { get; set; }

        internal void Read(ref ProtocolReader reader, short version)
        {
            Name = version >= 6 ? reader.ReadNullableString() : reader.ReadString();
            if (version >= 6) TopicId = reader.ReadUuid();
            ErrorCode = reader.ReadInt16();
            if (version >= 5) ErrorMessage = reader.ReadNullableString();
            reader.SkipTaggedFields();
        }

        internal void Write(ProtocolWriter writer, short version)
        {
            if (version >= 6) writer.WriteNullableString(Name);
            else writer.WriteString(Name ?? "");
            if (version >= 6) writer.WriteUuid(TopicId);
            writer.WriteInt16(ErrorCode);
            if (version >= 5) writer.WriteNullableString(ErrorMessage);
            writer.WriteEmptyTaggedFields();
        }
    }

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 1) ThrottleTimeMs = reader.ReadInt32();
        var count = reader.ReadArrayLength();
        Responses = new List<DeletableTopicResult>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            var result = new DeletableTopicResult();
            result.Read(ref reader, version);
            Responses.Add(result);
        }
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteArrayLength(Responses.Count);
        foreach (var result in Responses) result.Write(writer, version);
        writer.WriteEmptyTaggedFields();
    }
}
