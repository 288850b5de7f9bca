using Brook.Common;
using Microsoft.Extensions.Logging;

namespace Brook.Metadata;

// Partition reassignment (KIP-455): starting, replacing and cancelling moves, and listing the running ones. The
// decisions are ReassignmentPlanner's; completion happens in AlterPartitionAsync, with the ISR change that allows it.
public sealed partial class ClusterController
{
    /// <summary>
    /// AlterPartitionReassignments: starts, replaces or (null target) cancels the reassignment of each named partition;
    /// every accepted change is written in one batch. One result per spec, in order.
    /// </summary>
    public async Task<IReadOnlyList<ReassignmentResult>> AlterPartitionReassignmentsAsync(IReadOnlyList<ReassignmentSpec> specs,
        bool allowReplicationFactorChange, CancellationToken cancellationToken)
    {
        List<PartitionChange> changes = [];
        var results = await WriteAsync<IReadOnlyList<ReassignmentResult>>(image =>
        {
            var (planned, planChanges) = ReassignmentPlanner.Plan(image, specs, allowReplicationFactorChange);
            changes = planChanges;
            return ([.. planChanges.Select(c => c.After)], planned);
        }, cancellationToken);
        foreach (var c in changes)
        {
            var after = c.After;
            var state = after.AddingReplicas.Count == 0 && after.RemovingReplicas.Count == 0
                ? "done or cancelled"
                : $"adding [{string.Join(",", after.AddingReplicas)}], removing [{string.Join(",", after.RemovingReplicas)}]";
            _logger.LogInformation("Reassignment of {Topic}-{Partition}: replicas [{Before}] -> [{Replicas}] ({State}), leader {Leader} (epoch {Epoch})",
                c.Topic.Name, c.Before.Index, string.Join(",", c.Before.Replicas), string.Join(",", after.Replicas), state, after.Leader, after.LeaderEpoch);
        }
        return results;
    }

    /// <summary>ListPartitionReassignments from the committed image of the active controller; null means every partition.</summary>
    public Task<IReadOnlyList<OngoingReassignment>> ListPartitionReassignmentsAsync(IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? partitions,
        CancellationToken cancellationToken)
    {
        if (!IsActive) throw new KafkaException(ErrorCode.NotController, $"node {_quorum.NodeId} is not the active controller");
        return Task.FromResult<IReadOnlyList<OngoingReassignment>>(ReassignmentPlanner.List(_view.Image, partitions));
    }
}
