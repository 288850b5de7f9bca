namespace Brook.Coordination.Model;

/// <summary>A member of a classic group, with the parked JoinGroup/SyncGroup it is waiting on, if any.</summary>
internal sealed class GroupMember(
    string memberId,
    string? groupInstanceId,
    string clientId,
    string clientHost,
    int rebalanceTimeoutMs,
    int sessionTimeoutMs,
    string protocolType,
    IReadOnlyList<GroupProtocol> protocols)
{
    /// <summary>Mutable only because a static member that restarts keeps its slot under a new member id.</summary>
    public string MemberId { get; set; } = memberId;
    public string? GroupInstanceId { get; } = groupInstanceId;
    public string ClientId { get; } = clientId;
    public string ClientHost { get; } = clientHost;
    public int RebalanceTimeoutMs { get; set; } = rebalanceTimeoutMs;
    public int SessionTimeoutMs { get; set; } = sessionTimeoutMs;
    public string ProtocolType { get; } = protocolType;
    public IReadOnlyList<GroupProtocol> Protocols { get; set; } = protocols;
    public byte[] Assignment { get; set; } = [];

    /// <summary>
    /// True from a member's first JoinGroup until its first join response: such a member cannot heartbeat yet, so it
    /// expires after the new-member join timeout instead of being kept alive by its parked join.
    /// </summary>
    public bool IsNew { get; set; }

    public TaskCompletionSource<JoinGroupResult>? AwaitingJoin { get; set; }
    public TaskCompletionSource<SyncGroupResult>? AwaitingSync { get; set; }

    public bool IsAwaitingJoin => AwaitingJoin is not null;
    public bool IsStatic => GroupInstanceId is not null;

    public byte[]? MetadataFor(string? protocol)
    {
        foreach (var p in Protocols)
            if (p.Name == protocol) return p.Metadata;
        return null;
    }

    public bool Supports(string protocol) => MetadataFor(protocol) is not null;

    /// <summary>Same protocols, in the same order, with byte-identical metadata: rejoining with these changes nothing.</summary>
    public bool Matches(IReadOnlyList<GroupProtocol> protocols)
    {
        if (protocols.Count != Protocols.Count) return false;
        for (var i = 0; i < protocols.Count; i++)
        {
            if (protocols[i].Name != Protocols[i].Name) return false;
            if (!protocols[i].Metadata.AsSpan().SequenceEqual(Protocols[i].Metadata)) return false;
        }
        return true;
    }

    /// <summary>
    /// Called when the member's heartbeat deadline passes. Members parked in a rebalance cannot heartbeat, so they are
    /// kept (the rebalance's own timeouts deal with them) — except new members, whose deadline was the join timeout.
    /// </summary>
    public bool KeptAliveByRebalance => !IsNew && (IsAwaitingJoin || AwaitingSync is not null);
}
