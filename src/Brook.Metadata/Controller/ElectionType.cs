namespace Brook.Metadata;

/// <summary>The kind of leader election an admin asks for (ElectLeaders, KIP-183 / KIP-460), with the wire values.</summary>
public enum ElectionType : sbyte
{
    /// <summary>Make each partition's preferred replica (its first assigned replica) leader, if it is in sync and live.</summary>
    Preferred = 0,

    /// <summary>Give each leaderless partition a leader: an in-sync replica if one is live, else any live replica.</summary>
    Unclean = 1,
}
