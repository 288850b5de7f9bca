namespace Brook.Coordination;

/// <summary>
/// Group states, Kafka's names (<see cref="GroupStates.Name"/> gives the wire string). Classic groups use Empty,
/// PreparingRebalance, CompletingRebalance, Stable and Dead; KIP-848 consumer groups use Empty, Assigning, Reconciling,
/// Stable and Dead.
/// </summary>
public enum GroupState
{
    /// <summary>No members; offsets may still exist (also the state of a simple consumer's group).</summary>
    Empty,

    /// <summary>A rebalance started: JoinGroup requests are parked until every known member rejoined or the timeout passed.</summary>
    PreparingRebalance,

    /// <summary>Join responses sent; waiting for the leader's assignment in SyncGroup.</summary>
    CompletingRebalance,

    /// <summary>Assignment distributed; members heartbeat.</summary>
    Stable,

    /// <summary>Deleted or unloaded; a request that still holds the group must treat it as gone.</summary>
    Dead,

    /// <summary>Consumer group: the group epoch moved past the target assignment's epoch; a new target is being computed.</summary>
    Assigning,

    /// <summary>Consumer group: some member has not yet reached the target assignment.</summary>
    Reconciling,
}

/// <summary>Wire names of <see cref="GroupState"/>, as ListGroups, DescribeGroups and the admin tools spell them.</summary>
public static class GroupStates
{
    public static string Name(this GroupState state) => state switch
    {
        GroupState.Empty => "Empty",
        GroupState.PreparingRebalance => "PreparingRebalance",
        GroupState.CompletingRebalance => "CompletingRebalance",
        GroupState.Stable => "Stable",
        GroupState.Assigning => "Assigning",
        GroupState.Reconciling => "Reconciling",
        _ => "Dead",
    };

    /// <summary>Parses a ListGroups states filter entry; Kafka compares these case-insensitively.</summary>
    public static bool TryParse(string name, out GroupState state)
    {
        foreach (var s in Enum.GetValues<GroupState>())
        {
            if (string.Equals(s.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                state = s;
                return true;
            }
        }
        state = default;
        return false;
    }
}
