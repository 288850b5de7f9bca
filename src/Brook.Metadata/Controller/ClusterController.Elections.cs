using Brook.Common;
using Microsoft.Extensions.Logging;

namespace Brook.Metadata;

// Elections an operator asks for (ElectLeaders) and the automatic preferred-leader balancing
// (auto.leader.rebalance.enable); the decisions are ElectLeadersPlanner's and LeaderImbalancePlanner's.
public sealed partial class ClusterController
{
    /// <summary>
    /// ElectLeaders: elects preferred or, for leaderless partitions, any live leaders now (see
    /// <see cref="ElectLeadersPlanner"/>); every election is written in one batch. <paramref name="partitions"/> null
    /// means every partition (the results then leave out those that needed nothing).
    /// </summary>
    public async Task<IReadOnlyList<ElectionResult>> ElectLeadersAsync(ElectionType type,
        IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? partitions, CancellationToken cancellationToken)
    {
        List<PartitionChange> changes = [];
        var results = await WriteAsync<IReadOnlyList<ElectionResult>>(image =>
        {
            var (planned, planChanges) = ElectLeadersPlanner.Plan(image, type, partitions, _options.Elections);
            changes = planChanges;
            return ([.. planChanges.Select(c => c.After)], planned);
        }, cancellationToken);
        if (changes.Count > 0)
        {
            _logger.LogInformation("{Type} leader election requested by an admin{Changes}", type, Describe(changes));
            LogUnclean(changes);
        }
        return results;
    }

    /// <summary>
    /// One round of auto.leader.rebalance.enable: moves leadership back to preferred replicas for every broker whose
    /// imbalance ratio exceeds <paramref name="imbalancePercentage"/> (see <see cref="LeaderImbalancePlanner"/>).
    /// Returns the partitions that moved; a node that is not the active controller does nothing.
    /// </summary>
    public async Task<IReadOnlyList<PartitionChange>> BalanceLeadersAsync(int imbalancePercentage, CancellationToken cancellationToken)
    {
        if (!IsActive) return [];
        var changes = await WriteAsync<List<PartitionChange>>(image =>
        {
            var planned = LeaderImbalancePlanner.Plan(image, imbalancePercentage);
            return ([.. planned.Select(c => c.After)], planned);
        }, cancellationToken);
        if (changes.Count > 0) _logger.LogInformation("Moved leaderships back to preferred replicas (auto.leader.rebalance.enable){Changes}", Describe(changes));
        return changes;
    }
}
