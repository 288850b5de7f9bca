using Brook.Common;

namespace Brook.Protocol.Messages;

// RemoveRaftVoter (key 81, KIP-853), version 0, flexible. An operator (kafka-metadata-quorum.sh remove-controller)
// asks the KRaft leader to drop a voter; the leader answers once the smaller voter set is committed, and resigns
// afterwards if it removed itself.

/// <summary>RemoveRaftVoter request: the voter (id and directory id) to remove.</summary>
public sealed class RemoveRaftVoterRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.RemoveRaftVoter, 0, 0, 0);

    public string? ClusterId { get; set; }
    public int VoterId { get; set; }
    public Uuid VoterDirectoryId { get; set; }

    public void Read(ref ProtocolReader reader, short version)
    {
        ClusterId = reader.ReadNullableString();
        VoterId = reader.ReadInt32();
        VoterDirectoryId = reader.ReadUuid();
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteNullableString(ClusterId);
        writer.WriteInt32(VoterId);
        writer.WriteUuid(VoterDirectoryId);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>RemoveRaftVoter response.</summary>
public sealed class RemoveRaftVoterResponse : ErrorMessageResponse;
