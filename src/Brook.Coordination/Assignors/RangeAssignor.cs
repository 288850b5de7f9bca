using Brook.Common;

namespace Brook.Coordination.Assignors;

/// <summary>
/// The "range" assignor: for each topic, its subscribers (in member id order) get consecutive ranges of partitions, the
/// first <c>partitions % subscribers</c> of them one more. Members subscribed to the same co-partitioned topics get the
/// same partition numbers of each, which is what joins across topics need.
/// </summary>
internal sealed class RangeAssignor : IConsumerGroupAssignor
{
    public const string AssignorName = "range";

    public string Name => AssignorName;

    public Dictionary<string, PartitionAssignment> Assign(IReadOnlyList<AssignmentMember> members, IReadOnlyDictionary<Uuid, int> partitionCounts)
    {
        var ordered = members.OrderBy(m => m.MemberId, StringComparer.Ordinal).ToList();
        var held = ordered.ToDictionary(m => m.MemberId, _ => new List<(Uuid, int)>(), StringComparer.Ordinal);
        foreach (var (topic, count) in partitionCounts)
        {
            var subscribers = ordered.Where(m => m.SubscribedTopicIds.Contains(topic)).ToList();
            if (subscribers.Count == 0) continue;
            var each = count / subscribers.Count;
            var extra = count % subscribers.Count;
            var next = 0;
            for (var i = 0; i < subscribers.Count; i++)
            {
                var take = each + (i < extra ? 1 : 0);
                for (var p = next; p < next + take; p++) held[subscribers[i].MemberId].Add((topic, p));
                next += take;
            }
        }
        var result = new Dictionary<string, PartitionAssignment>(StringComparer.Ordinal);
        foreach (var m in ordered) result[m.MemberId] = PartitionAssignment.From(held[m.MemberId]);
        return result;
    }
}
