using Brook.Common;
using Brook.Protocol.Messages;

namespace Brook.Protocol.Records.Control;

// LeaderChangeMessage, the value of control record type 2 (KIP-595), schema versions 0-1, flexible. A KRaft leader
// appends it as the first record of its epoch: committing it proves the leader's epoch has a majority, which lets the
// high watermark advance. It lists the voters of the epoch and those that granted the vote.
// v1 adds each voter's directory id (KIP-853). Kafka's leaders write v0 (ControlRecordUtils in the apache/kafka
// snapshot read for this codec, trunk of 2024-10, pins LEADER_CHANGE_CURRENT_VERSION at 0), which CurrentVersion follows.

/// <summary>The KRaft leader-change control record value.</summary>
public sealed class LeaderChangeMessage : IControlRecordValue
{
    /// <summary>The schema version Kafka's KRaft leaders write.</summary>
    public const short CurrentVersion = 0;

    public ControlRecordType Type => ControlRecordType.LeaderChange;
    public short MaxVersion => 1;

    public short Version { get; set; } = CurrentVersion;
    /// <summary>The newly elected leader.</summary>
    public int LeaderId { get; set; }
    /// <summary>The voters of the quorum in this epoch.</summary>
    public List<Voter> Voters { get; set; } = [];
    /// <summary>The voters that voted for the leader.</summary>
    public List<Voter> GrantingVoters { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        Version = reader.ReadInt16();
        LeaderId = reader.ReadInt32();
        Voters = VersionedCodec.Read<Voter>(ref reader, version);
        GrantingVoters = VersionedCodec.Read<Voter>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt16(Version);
        writer.WriteInt32(LeaderId);
        VersionedCodec.Write(writer, Voters, version);
        VersionedCodec.Write(writer, GrantingVoters, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>A voter: its replica id and (v1+, KIP-853) its log directory id.</summary>
    public sealed record Voter : IMessage
    {
        public int VoterId { get; set; }
        public Uuid VoterDirectoryId { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            VoterId = reader.ReadInt32();
            if (version >= 1) VoterDirectoryId = reader.ReadUuid();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(VoterId);
            if (version >= 1) writer.WriteUuid(VoterDirectoryId);
            writer.WriteEmptyTaggedFields();
        }
    }
}
