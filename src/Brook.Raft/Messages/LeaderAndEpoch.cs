namespace Brook.Raft.Messages;

/// <summary>A leader id (-1 when none is known) and the epoch it leads; Kafka's CurrentLeader / LeaderIdAndEpoch.</summary>
public readonly record struct LeaderAndEpoch(int LeaderId, int Epoch)
{
    public const int NoLeader = -1;

    public bool HasLeader => LeaderId >= 0;

    public override string ToString() => HasLeader ? $"leader {LeaderId} in epoch {Epoch}" : $"no leader in epoch {Epoch}";
}
