using Brook.Common;
using Brook.Metadata.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Metadata;

// Continuous balancing (brook.balancer.enable): one step of BalancePlanner written as ordinary reassignments, plus
// the unregistration of decommissioned brokers that are empty and stopped.
public sealed partial class ClusterController
{
    /// <summary>
    /// One balancer step: starts the moves <see cref="BalancePlanner"/> plans for the current image and
    /// <paramref name="inputs"/> (through <see cref="ReassignmentPlanner"/>, so they complete like an operator's) and
    /// unregisters the decommissioned brokers it names, all in one write. Returns the moves started; a node that is
    /// not the active controller does nothing.
    /// </summary>
    public async Task<BalanceStep> BalanceAsync(BalanceInputs inputs, CancellationToken cancellationToken)
    {
        if (!IsActive) return BalanceStep.None;
        var step = await WriteAsync<BalanceStep>(image =>
        {
            var planned = BalancePlanner.Plan(image, inputs);
            if (planned.Moves.Count == 0 && planned.Unregister.Count == 0) return ([], BalanceStep.None);
            var (results, changes) = ReassignmentPlanner.Plan(image, [.. planned.Moves.Select(m => m.ToSpec())], allowReplicationFactorChange: false);
            var started = planned.Moves.Where((_, i) => results[i].ErrorCode == ErrorCode.None).ToList();
            var records = new List<MetadataRecord>(changes.Select(c => c.After));
            foreach (var id in planned.Unregister)
            {
                records.Add(new UnregisterBrokerRecord(id, image.Brokers[id].Epoch));
                records.AddRange(LeaderElectionPlanner.PlanBrokerLeaving(image, id, _options.Elections).Select(c => c.After));
            }
            return (records, new BalanceStep(started, planned.Unregister));
        }, cancellationToken).ConfigureAwait(false);
        foreach (var m in step.Moves)
            _logger.LogInformation("Balancer: moving {Topic}-{Partition} from [{From}] to [{To}] ({Reason})",
                m.Topic, m.Partition, string.Join(",", m.From), string.Join(",", m.To), m.Reason);
        foreach (var id in step.Unregister)
        {
            _sessions.Remove(id);
            _logger.LogInformation("Balancer: unregistered broker {BrokerId}: decommissioned, it holds no replica and has stopped", id);
        }
        return step;
    }
}
