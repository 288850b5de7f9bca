using Brook.Common;
using Brook.Metadata.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Metadata;

// Log directories of brokers with several (JBOD, KIP-858): brokers report where each replica lives
// (AssignReplicasToDirs) and which directories failed (OfflineLogDirs in their heartbeats); the controller moves
// leadership and ISR membership off replicas in failed directories, as it does for a broker that leaves.
public sealed partial class ClusterController
{
    /// <summary>
    /// AssignReplicasToDirs: writes the reported directory of each replica into its partition's record (a directory
    /// change alone bumps no epoch: leaders and ISR stay, so no in-flight AlterPartition is fenced by it). A broker
    /// whose epoch is stale is refused as a whole.
    /// </summary>
    public async Task<DirectoryAssignmentResult> AssignReplicasToDirsAsync(int brokerId, long brokerEpoch, IReadOnlyList<DirectoryAssignment> assignments,
        CancellationToken cancellationToken)
    {
        return await WriteAsync<DirectoryAssignmentResult>(image =>
        {
            if (!image.Brokers.TryGetValue(brokerId, out var broker)) return ([], new(ErrorCode.BrokerIdNotRegistered, []));
            if (brokerEpoch >= 0 && broker.Epoch != brokerEpoch) return ([], new(ErrorCode.StaleBrokerEpoch, []));
            var outcomes = new List<(DirectoryAssignment, ErrorCode)>();
            var changed = new Dictionary<(Uuid, int), PartitionRecord>();
            foreach (var a in assignments)
            {
                if (!image.TopicsById.TryGetValue(a.TopicId, out var topic))
                {
                    outcomes.Add((a, ErrorCode.UnknownTopicId));
                    continue;
                }
                if (a.Partition < 0 || a.Partition >= topic.Partitions.Length)
                {
                    outcomes.Add((a, ErrorCode.UnknownTopicOrPartition));
                    continue;
                }
                var p = topic.Partitions[a.Partition];
                if (!p.Replicas.Contains(brokerId))
                {
                    outcomes.Add((a, ErrorCode.NotLeaderOrFollower));
                    continue;
                }
                outcomes.Add((a, ErrorCode.None));
                var record = changed.TryGetValue((a.TopicId, a.Partition), out var pending) ? pending : p.ToRecord(topic.Id);
                if (record.Directories.Contains(new ReplicaDirectory(brokerId, a.DirectoryId))) continue;
                changed[(a.TopicId, a.Partition)] = record with
                {
                    Directories = [.. record.Directories.Where(d => d.BrokerId != brokerId), new ReplicaDirectory(brokerId, a.DirectoryId)],
                };
            }
            return ([.. changed.Values], new(ErrorCode.None, outcomes));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A heartbeat named offline log directories: the broker's replicas in them leave their ISRs and the partitions it
    /// led from them elect new leaders (one write; nothing when that already happened, so repeated heartbeats are free).
    /// </summary>
    private async Task HandleOfflineDirectoriesAsync(int brokerId, long brokerEpoch, IReadOnlyList<Uuid> offlineDirs, CancellationToken cancellationToken)
    {
        var offline = offlineDirs.ToHashSet();
        if (LeaderElectionPlanner.PlanDirectoriesOffline(_view.Image, brokerId, offline, _options.Elections).Count == 0) return;
        List<PartitionChange>? changes = null;
        await WriteAsync<bool>(image =>
        {
            if (!image.Brokers.TryGetValue(brokerId, out var broker) || broker.Epoch != brokerEpoch) return ([], false);
            changes = LeaderElectionPlanner.PlanDirectoriesOffline(image, brokerId, offline, _options.Elections);
            return ([.. changes.Select(c => c.After)], true);
        }, cancellationToken).ConfigureAwait(false);
        if (changes is { Count: > 0 })
        {
            _logger.LogWarning("Broker {BrokerId} reports log directories {Dirs} offline: its replicas there leave their ISRs{Changes}",
                brokerId, string.Join(",", offlineDirs), Describe(changes));
            LogUnclean(changes);
        }
    }
}
