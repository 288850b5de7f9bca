using Brook.Common;
using Brook.Protocol.Records.Control;

namespace Brook.Protocol.Messages;

// UpdateRaftVoter (key 82, KIP-853), version 0, flexible, controller listener only. A voter whose endpoints or
// supported kraft.version range differ from what the voter set in the log says sends its own to the leader, which
// writes an updated voter set. The response carries the leader it knows in tagged field 0.

/// <summary>UpdateRaftVoter request: a voter's current endpoints and supported kraft.version range.</summary>
public sealed class UpdateRaftVoterRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.UpdateRaftVoter, 0, 0, 0);

    public string? ClusterId { get; set; }
    /// <summary>The leader epoch the sender knows, -1 when it knows none.</summary>
    public int CurrentLeaderEpoch { get; set; } = -1;
    public int VoterId { get; set; }
    public Uuid VoterDirectoryId { get; set; }
    public List<ListenerEndpoint> Listeners { get; set; } = [];
    /// <summary>The kraft.version levels the voter supports (same layout as in the voters control record).</summary>
    public VotersRecord.KRaftVersionFeature KRaftVersionFeature { get; set; } = new();

    public void Read(ref ProtocolReader reader, short version)
    {
        ClusterId = reader.ReadNullableString();
        CurrentLeaderEpoch = reader.ReadInt32();
        VoterId = reader.ReadInt32();
        VoterDirectoryId = reader.ReadUuid();
        Listeners = VersionedCodec.Read<ListenerEndpoint>(ref reader, version);
        KRaftVersionFeature = new VotersRecord.KRaftVersionFeature();
        KRaftVersionFeature.Read(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteNullableString(ClusterId);
        writer.WriteInt32(CurrentLeaderEpoch);
        writer.WriteInt32(VoterId);
        writer.WriteUuid(VoterDirectoryId);
        VersionedCodec.Write(writer, Listeners, version);
        KRaftVersionFeature.Write(writer, version);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>UpdateRaftVoter response: the error and, tagged, the leader the receiver knows.</summary>
public sealed class UpdateRaftVoterResponse : IMessage
{
    public int ThrottleTimeMs { get; set; }
    public short ErrorCode { get; set; }
    /// <summary>Tagged (tag 0): the leader and where it listens; null is not sent.</summary>
    public LeaderInfo? CurrentLeader { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        ThrottleTimeMs = reader.ReadInt32();
        ErrorCode = reader.ReadInt16();
        CurrentLeader = null;
        var tags = VersionedCodec.ReadTagCount(ref reader);
        for (var i = 0u; i < tags; i++)
        {
            var field = VersionedCodec.ReadTaggedField(ref reader, out var tag);
            if (tag != 0) continue;
            CurrentLeader = new LeaderInfo();
            CurrentLeader.Read(ref field, version);
        }
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16(ErrorCode);
        writer.WriteUnsignedVarInt(CurrentLeader is null ? 0u : 1u);
        if (CurrentLeader is { } leader) writer.WriteTaggedField(0, w => leader.Write(w, version));
    }

    /// <summary>The leader's id and epoch (-1 when unknown) and the endpoint it is reached on.</summary>
    public sealed class LeaderInfo : IMessage
    {
        public int LeaderId { get; set; } = -1;
        public int LeaderEpoch { get; set; } = -1;
        public string Host { get; set; } = "";
        public int Port { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            LeaderId = reader.ReadInt32();
            LeaderEpoch = reader.ReadInt32();
            Host = reader.ReadString();
            Port = reader.ReadInt32();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(LeaderId);
            writer.WriteInt32(LeaderEpoch);
            writer.WriteString(Host);
            writer.WriteInt32(Port);
            writer.WriteEmptyTaggedFields();
        }
    }
}
