using Brook.Common;

namespace Brook.Raft;

/// <summary>One endpoint a voter listens on for quorum traffic (a controller listener: name, host, port).</summary>
public sealed record RaftEndpoint(string Name, string Host, int Port);

/// <summary>
/// A member of the voter set (KIP-853): its node id, the id of the directory holding its metadata log (a replica that
/// lost its disk comes back with a new directory id and is not the same voter), and where it is reached.
/// </summary>
public sealed record RaftVoter(int Id, Uuid DirectoryId, IReadOnlyList<RaftEndpoint> Endpoints)
{
    /// <summary>The endpoint of <paramref name="listener"/>, else the first one; null when the voter has none.</summary>
    public RaftEndpoint? EndpointFor(string listener)
    {
        foreach (var endpoint in Endpoints)
        {
            if (endpoint.Name == listener) return endpoint;
        }
        return Endpoints.Count > 0 ? Endpoints[0] : null;
    }

    public bool Equals(RaftVoter? other) =>
        other is not null && Id == other.Id && DirectoryId == other.DirectoryId && Endpoints.SequenceEqual(other.Endpoints);

    public override int GetHashCode() => HashCode.Combine(Id, DirectoryId, Endpoints.Count);
}
