using Brook.Common;
using Microsoft.Extensions.Logging;

namespace Brook.Replication;

/// <summary>Leadership changes as an event, for what must follow them (the group and transaction coordinators).</summary>
public sealed partial class ReplicaManager
{
    /// <summary>The partitions this broker led when changes were last raised, with the partition object and its epoch then.</summary>
    private readonly Dictionary<TopicPartition, (Partition Partition, int LeaderEpoch)> _led = [];

    /// <summary>
    /// Raised after an image has been applied, once per hosted partition whose leadership here changed with it: this
    /// broker became its leader, leads it in a new leader epoch, or stopped leading it (another leader, no leader, or the
    /// partition left this broker). By then every partition already reflects the image. Raised on the applying thread,
    /// in image order and never concurrently, so handlers must be quick (hand the work off) and must not call back into
    /// <see cref="Apply"/>; their exceptions are logged, not thrown.
    /// </summary>
    public event Action<LeadershipChange>? LeadershipChanged;

    /// <summary>Compares each partition's leadership with what was last raised and raises the differences. Under the apply lock.</summary>
    private void RaiseLeadershipChanges()
    {
        List<LeadershipChange>? changes = null;
        foreach (var (id, (partition, epoch)) in _led.ToList())
        {
            var hosted = _partitions.TryGetValue(id, out var current) && ReferenceEquals(current, partition);
            if (hosted && partition.IsLeader && partition.LeaderEpoch == epoch) continue;
            _led.Remove(id);
            // Still leading in a newer epoch is raised once, below, as leadership in that epoch.
            if (hosted && partition.IsLeader) continue;
            (changes ??= []).Add(new LeadershipChange(id, IsLeader: false, hosted ? partition.LeaderEpoch : epoch));
        }
        foreach (var partition in _partitions.Values)
        {
            if (!partition.IsLeader || _led.ContainsKey(partition.Id)) continue;
            var epoch = partition.LeaderEpoch;
            _led[partition.Id] = (partition, epoch);
            (changes ??= []).Add(new LeadershipChange(partition.Id, IsLeader: true, epoch));
        }
        if (changes is null || LeadershipChanged is not { } handlers) return;
        foreach (var change in changes)
        {
            foreach (var handler in handlers.GetInvocationList())
            {
                try
                {
                    ((Action<LeadershipChange>)handler)(change);
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "A leadership subscriber failed on {Partition} (leader: {IsLeader}, epoch {Epoch})",
                        change.Partition, change.IsLeader, change.LeaderEpoch);
                }
            }
        }
    }
}
