using Brook.Common;

namespace Brook.Coordination;

/// <summary>A group's state and committed offsets, as the metrics exporter reads them when scraped.</summary>
/// <param name="GroupId">The group.</param>
/// <param name="State">Its state (a consumer group's own state for KIP-848 groups).</param>
/// <param name="Offsets">Committed offsets by partition.</param>
public sealed record GroupOffsetsSnapshot(string GroupId, GroupState State, IReadOnlyList<(TopicPartition Partition, long Offset)> Offsets);

/// <summary>What the broker's group metrics (groups by state, consumer lag) read from the coordinator.</summary>
public sealed partial class GroupCoordinator
{
    /// <summary>
    /// Every live group of the loaded partitions with its committed offsets: one copy under the lock, so a scrape
    /// never holds up group traffic longer than the copy takes.
    /// </summary>
    public IReadOnlyList<GroupOffsetsSnapshot> SnapshotGroups()
    {
        lock (_lock)
        {
            var list = new List<GroupOffsetsSnapshot>(_groups.Count);
            foreach (var group in _groups.Values)
            {
                if (!IsLoadedPartition(group.Partition) || group.Is(GroupState.Dead)) continue;
                var offsets = new List<(TopicPartition, long)>(group.Offsets.Count);
                foreach (var (partition, committed) in group.Offsets) offsets.Add((partition, committed.Value.Offset));
                list.Add(new GroupOffsetsSnapshot(group.GroupId, group.Consumer?.State ?? group.State, offsets));
            }
            return list;
        }
    }
}
