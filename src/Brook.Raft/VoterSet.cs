using Brook.Protocol.Messages;
using Brook.Protocol.Records.Control;

namespace Brook.Raft;

/// <summary>
/// The voters of the quorum at one point of the log (KIP-853), ordered by id: who votes, who counts toward the high
/// watermark, and where each is reached. Immutable; a change makes a new set that differs by one voter.
/// </summary>
public sealed class VoterSet
{
    private readonly SortedDictionary<int, RaftVoter> _voters;

    public VoterSet(IEnumerable<RaftVoter> voters)
    {
        _voters = [];
        foreach (var voter in voters)
        {
            if (!_voters.TryAdd(voter.Id, voter)) throw new ArgumentException($"voter {voter.Id} appears twice", nameof(voters));
        }
        Ids = [.. _voters.Keys];
    }

    /// <summary>The voter ids, ascending.</summary>
    public IReadOnlyList<int> Ids { get; }

    public IEnumerable<RaftVoter> Voters => _voters.Values;

    public int Count => _voters.Count;

    /// <summary>Votes needed to win, and acknowledgements needed to commit: a strict majority.</summary>
    public int Majority => _voters.Count / 2 + 1;

    public bool Contains(int id) => _voters.ContainsKey(id);

    public RaftVoter? Find(int id) => _voters.GetValueOrDefault(id);

    /// <summary>This set with <paramref name="voter"/> added, or replacing the voter of the same id.</summary>
    public VoterSet With(RaftVoter voter) => new(_voters.Values.Where(v => v.Id != voter.Id).Append(voter));

    public VoterSet Without(int id) => new(_voters.Values.Where(v => v.Id != id));

    /// <summary>The static set of controller.quorum.voters: ids, with endpoints where the configuration gives them.</summary>
    public static VoterSet Bootstrap(IReadOnlyList<int> ids, IReadOnlyDictionary<int, IReadOnlyList<RaftEndpoint>>? endpoints) =>
        new(ids.Select(id => new RaftVoter(id, Brook.Common.Uuid.Zero, endpoints?.GetValueOrDefault(id) ?? [])));

    public VotersRecord ToRecord() => new()
    {
        Voters = [.. _voters.Values.Select(v => new VotersRecord.Voter
        {
            VoterId = v.Id,
            VoterDirectoryId = v.DirectoryId,
            Endpoints = [.. v.Endpoints.Select(e => new ListenerEndpoint { Name = e.Name, Host = e.Host, Port = (ushort)e.Port })],
            // Brook speaks kraft.version 0 (static) and 1 (voters in the log).
            KRaftVersionFeature = new VotersRecord.KRaftVersionFeature { MinSupportedVersion = 0, MaxSupportedVersion = 1 },
        })],
    };

    public static VoterSet FromRecord(VotersRecord record) =>
        new(record.Voters.Select(v => new RaftVoter(v.VoterId, v.VoterDirectoryId, [.. v.Endpoints.Select(e => new RaftEndpoint(e.Name, e.Host, e.Port))])));

    public bool SameMembers(VoterSet other) => Ids.SequenceEqual(other.Ids);

    public override string ToString() => string.Join(",", Ids);
}
