using Brook.Coordination.Records;

namespace Brook.Coordination.Model;

/// <summary>
/// A member of a KIP-848 consumer group: its subscription (the MemberMetadata record) and its reconciliation state
/// (the CurrentMemberAssignment record). Changed only by applying those records, live or at replay.
/// </summary>
internal sealed class ConsumerGroupMember(string memberId)
{
    /// <summary>The member epoch of a static member that left temporarily and may come back under a new member id.</summary>
    public const int StaticLeaveEpoch = -2;

    public string MemberId { get; } = memberId;

    public ConsumerGroupMemberMetadataValue Metadata { get; set; } =
        new(null, null, "", "", [], null, -1, null);

    public int MemberEpoch { get; set; }
    public int PreviousMemberEpoch { get; set; }
    public ConsumerMemberState State { get; set; } = ConsumerMemberState.Stable;

    /// <summary>What the member may consume now.</summary>
    public PartitionAssignment Assigned { get; set; } = PartitionAssignment.Empty;

    /// <summary>What the member was asked to give up and has not yet confirmed giving up; still counted as its own.</summary>
    public PartitionAssignment PendingRevocation { get; set; } = PartitionAssignment.Empty;

    public string? InstanceId => Metadata.InstanceId;
    public int RebalanceTimeoutMs => Metadata.RebalanceTimeoutMs;
    public bool HasLeftTemporarily => MemberEpoch == StaticLeaveEpoch;

    public ConsumerGroupCurrentMemberAssignmentValue CurrentAssignment =>
        new(MemberEpoch, PreviousMemberEpoch, State, Assigned, PendingRevocation);

    /// <summary>Fully reconciled with the target of <paramref name="assignmentEpoch"/>.</summary>
    public bool IsReconciledTo(int assignmentEpoch) => State == ConsumerMemberState.Stable && MemberEpoch == assignmentEpoch;
}
