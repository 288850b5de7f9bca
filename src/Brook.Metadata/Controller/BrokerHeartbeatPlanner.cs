using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata;

/// <summary>What one heartbeat changes: the records to write (none most of the time) and the answer.</summary>
internal sealed record BrokerHeartbeatDecision(
    BrokerStatus Current,
    BrokerStatus Next,
    IReadOnlyList<MetadataRecord> Records,
    IReadOnlyList<PartitionChange> Changes,
    BrokerHeartbeatResult Result)
{
    /// <summary>This heartbeat started a controlled shutdown: the controller records the offset it must wait for.</summary>
    public bool EntersControlledShutdown => Current != BrokerStatus.ControlledShutdown && Next == BrokerStatus.ControlledShutdown;
}

/// <summary>
/// The broker state machine of KIP-631 as Kafka's controller runs it (BrokerHeartbeatManager.calculateNextBrokerState),
/// decided for one heartbeat against one image (pure: the caller writes the records):
/// <list type="bullet">
/// <item>Fenced → Unfenced once the broker has replayed the metadata up to its registration record (its epoch) and does
/// not ask to stay fenced; leaderless partitions it can lead elect it in the same write.</item>
/// <item>Fenced + WantShutDown → shut down at once (it leads nothing).</item>
/// <item>Unfenced + WantFence → Fenced (its leaderships move away, it leaves the ISRs).</item>
/// <item>Unfenced + WantShutDown → ControlledShutdown, moving its leaderships away and taking it out of the ISRs; a broker
/// that leads nothing is let go (and fenced) at once.</item>
/// <item>ControlledShutdown → let go (and fenced) once it leads nothing and every other active broker has reported a
/// metadata offset at or past the write that moved its leaderships, so each new leader knows it leads before the old
/// one stops.</item>
/// </list>
/// </summary>
internal static class BrokerHeartbeatPlanner
{
    public static BrokerHeartbeatDecision Decide(MetadataImage image, BrokerRegistration broker, BrokerHeartbeatSpec heartbeat,
        long controlledShutdownOffset, long lowestActiveOffset, ElectionPolicy policy)
    {
        var caughtUp = heartbeat.CurrentMetadataOffset >= broker.Epoch;
        var current = broker.Status;
        switch (current)
        {
            case BrokerStatus.Fenced:
                if (heartbeat.WantShutDown) return Stay(current, caughtUp, shouldShutDown: true);
                if (heartbeat.WantFence || !caughtUp) return Stay(current, caughtUp, shouldShutDown: false);
                return Move(broker, BrokerStatus.Unfenced, LeaderElectionPlanner.PlanBrokerReturning(image, broker.Id, policy),
                    caughtUp, shouldShutDown: false);

            case BrokerStatus.Unfenced:
                if (heartbeat.WantFence)
                    return Fence(image, broker, caughtUp, shouldShutDown: heartbeat.WantShutDown, policy);
                if (!heartbeat.WantShutDown) return Stay(current, caughtUp, shouldShutDown: false);
                if (!LeadsAnyPartition(image, broker.Id)) return Fence(image, broker, caughtUp, shouldShutDown: true, policy);
                return Move(broker, BrokerStatus.ControlledShutdown, LeaderElectionPlanner.PlanBrokerLeaving(image, broker.Id, policy),
                    caughtUp, shouldShutDown: false);

            case BrokerStatus.ControlledShutdown:
                // A leadership it still holds can only be one nobody could take over when it entered controlled shutdown
                // (the planner then leaves none: leader -1); try again, other brokers may have returned since.
                if (LeadsAnyPartition(image, broker.Id))
                {
                    var retry = LeaderElectionPlanner.PlanBrokerLeaving(image, broker.Id, policy);
                    if (retry.Count > 0) return Move(broker, BrokerStatus.ControlledShutdown, retry, caughtUp, shouldShutDown: false, writeState: false);
                    return Stay(current, caughtUp, shouldShutDown: false);
                }
                if (controlledShutdownOffset >= 0 && lowestActiveOffset >= controlledShutdownOffset)
                    return Fence(image, broker, caughtUp, shouldShutDown: true, policy);
                return Stay(current, caughtUp, shouldShutDown: false);

            default:
                throw new InvalidOperationException($"broker {broker.Id} has unknown status {current}");
        }
    }

    /// <summary>Fences <paramref name="broker"/>: its state record and the elections of the partitions it leaves, in one write.</summary>
    public static BrokerHeartbeatDecision Fence(MetadataImage image, BrokerRegistration broker, bool caughtUp, bool shouldShutDown, ElectionPolicy policy) =>
        Move(broker, BrokerStatus.Fenced, LeaderElectionPlanner.PlanBrokerLeaving(image, broker.Id, policy), caughtUp, shouldShutDown);

    public static bool LeadsAnyPartition(MetadataImage image, int brokerId)
    {
        foreach (var topic in image.TopicsById.Values)
            foreach (var p in topic.Partitions)
                if (p.Leader == brokerId) return true;
        return false;
    }

    private static BrokerHeartbeatDecision Stay(BrokerStatus current, bool caughtUp, bool shouldShutDown) =>
        new(current, current, [], [], new BrokerHeartbeatResult(ErrorCode.None, caughtUp, current == BrokerStatus.Fenced, shouldShutDown));

    private static BrokerHeartbeatDecision Move(BrokerRegistration broker, BrokerStatus next, List<PartitionChange> changes,
        bool caughtUp, bool shouldShutDown, bool writeState = true)
    {
        var records = new List<MetadataRecord>(changes.Count + 1);
        // The state record first: replayed in order, the partition records that follow already see the broker's new state.
        if (writeState) records.Add(new BrokerRegistrationChangeRecord(broker.Id, broker.Epoch, next));
        records.AddRange(changes.Select(c => c.After));
        return new(broker.Status, next, records, changes,
            new BrokerHeartbeatResult(ErrorCode.None, caughtUp, next == BrokerStatus.Fenced, shouldShutDown));
    }
}
