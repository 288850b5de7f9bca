using Brook.Common;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// ListPartitionReassignments v0 (KIP-455): the running reassignments among the named partitions (all when none are
/// named), with every replica and those being added and removed. Forwarded to the active controller, so a move just
/// started through any broker is listed at once.
/// </summary>
public sealed class ListPartitionReassignmentsHandler(IControllerChannel controller, TimeProvider time) : ApiHandler<ListPartitionReassignmentsRequest>
{
    public override ListenerScope Listeners => ListenerScope.Both;

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, ListPartitionReassignmentsRequest request)
    {
        var partitions = request.Topics?.Select(t => (t.Name, (IReadOnlyList<int>)t.PartitionIndexes)).ToList();
        using var deadline = new RequestDeadline(context, request.TimeoutMs, time);
        var ongoing = await deadline.RunAsync(ct => controller.ListPartitionReassignmentsAsync(partitions, ct), "ListPartitionReassignments");
        var response = new ListPartitionReassignmentsResponse();
        foreach (var group in ongoing.GroupBy(o => o.Topic, StringComparer.Ordinal))
        {
            response.Topics.Add(new ListPartitionReassignmentsResponse.OngoingTopicReassignment
            {
                Name = group.Key,
                Partitions = [.. group.Select(o => new ListPartitionReassignmentsResponse.OngoingPartitionReassignment
                {
                    PartitionIndex = o.Partition, Replicas = [.. o.Replicas], AddingReplicas = [.. o.AddingReplicas], RemovingReplicas = [.. o.RemovingReplicas],
                })],
            });
        }
        return response;
    }

    protected override IMessage? ErrorResponse(ListPartitionReassignmentsRequest request, ErrorCode error) =>
        new ListPartitionReassignmentsResponse { ErrorCode = (short)error };
}
