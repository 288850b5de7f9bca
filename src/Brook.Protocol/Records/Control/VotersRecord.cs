using Brook.Common;
using Brook.Protocol.Messages;

namespace Brook.Protocol.Records.Control;

// VotersRecord, the value of control record type 6 (Kafka's KRAFT_VOTERS, KIP-853), schema version 0, flexible. With
// kraft.version 1 the voter set lives in the log: each AddRaftVoter/RemoveRaftVoter appends the whole new set, and a
// replica uses the latest one in its log (committed or not). Each voter has its id, directory id, endpoints and the
// kraft.version range it supports.

/// <summary>The KRaft voter set control record value.</summary>
public sealed class VotersRecord : IControlRecordValue
{
    public const short CurrentVersion = 0;

    public ControlRecordType Type => ControlRecordType.KRaftVoters;
    public short MaxVersion => 0;

    public short Version { get; set; } = CurrentVersion;
    public List<Voter> Voters { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        Version = reader.ReadInt16();
        Voters = VersionedCodec.Read<Voter>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt16(Version);
        VersionedCodec.Write(writer, Voters, version);
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>One voter of the set.</summary>
    public sealed class Voter : IMessage
    {
        public int VoterId { get; set; }
        public Uuid VoterDirectoryId { get; set; }
        /// <summary>The voter's controller listeners.</summary>
        public List<ListenerEndpoint> Endpoints { get; set; } = [];
        /// <summary>The kraft.version levels the voter supports.</summary>
        public KRaftVersionFeature KRaftVersionFeature { get; set; } = new();

        public void Read(ref ProtocolReader reader, short version)
        {
            VoterId = reader.ReadInt32();
            VoterDirectoryId = reader.ReadUuid();
            Endpoints = VersionedCodec.Read<ListenerEndpoint>(ref reader, version);
            KRaftVersionFeature = new KRaftVersionFeature();
            KRaftVersionFeature.Read(ref reader, version);
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt32(VoterId);
            writer.WriteUuid(VoterDirectoryId);
            VersionedCodec.Write(writer, Endpoints, version);
            KRaftVersionFeature.Write(writer, version);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>The range of kraft.version levels a voter supports.</summary>
    public sealed record KRaftVersionFeature : IMessage
    {
        public short MinSupportedVersion { get; set; }
        public short MaxSupportedVersion { get; set; }

        public void Read(ref ProtocolReader reader, short version)
        {
            MinSupportedVersion = reader.ReadInt16();
            MaxSupportedVersion = reader.ReadInt16();
            reader.SkipTaggedFields();
        }

        public void Write(ProtocolWriter writer, short version)
        {
            writer.WriteInt16(MinSupportedVersion);
            writer.WriteInt16(MaxSupportedVersion);
            writer.WriteEmptyTaggedFields();
        }
    }
}
