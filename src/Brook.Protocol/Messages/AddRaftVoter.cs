using Brook.Common;

namespace Brook.Protocol.Messages;

// AddRaftVoter (key 80, KIP-853), version 0, flexible. An operator (kafka-metadata-quorum.sh add-controller) asks the
// KRaft leader to make a caught-up observer a voter; the leader answers once the new voter set is committed. Accepted
// on the controller listener and, forwarded, on a broker's.

/// <summary>AddRaftVoter request: the replica (id and directory id) to add and the controller endpoints it listens on.</summary>
public sealed class AddRaftVoterRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.AddRaftVoter, 0, 0, 0);

    public string? ClusterId { get; set; }
    /// <summary>How long the leader may take to commit the change before answering REQUEST_TIMED_OUT.</summary>
    public int TimeoutMs { get; set; }
    public int VoterId { get; set; }
    public Uuid VoterDirectoryId { get; set; }
    /// <summary>The endpoints the new voter is reached on (its controller listeners).</summary>
    public List<ListenerEndpoint> Listeners { get; set; } = [];

    public void Read(ref ProtocolReader reader, short version)
    {
        ClusterId = reader.ReadNullableString();
        TimeoutMs = reader.ReadInt32();
        VoterId = reader.ReadInt32();
        VoterDirectoryId = reader.ReadUuid();
        Listeners = VersionedCodec.Read<ListenerEndpoint>(ref reader, version);
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteNullableString(ClusterId);
        writer.WriteInt32(TimeoutMs);
        writer.WriteInt32(VoterId);
        writer.WriteUuid(VoterDirectoryId);
        VersionedCodec.Write(writer, Listeners, version);
        writer.WriteEmptyTaggedFields();
    }
}

/// <summary>AddRaftVoter response.</summary>
public sealed class AddRaftVoterResponse : ErrorMessageResponse;
