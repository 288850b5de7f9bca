using Brook.Common;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// AlterPartitionReassignments v0-1 (KIP-455; kafka-reassign-partitions.sh, Admin.alterPartitionReassignments): moves
/// partitions to new replica lists, or cancels a move (null replicas). v1 may forbid replication factor changes
/// (KIP-860). Sent to any broker, which forwards it to the active controller; answered once the change is committed,
/// not once the move is done (ListPartitionReassignments shows it running).
/// </summary>
public sealed class AlterPartitionReassignmentsHandler(IControllerChannel controller, TimeProvider time) : ApiHandler<AlterPartitionReassignmentsRequest>
{
    public override ListenerScope Listeners => ListenerScope.Both;

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, AlterPartitionReassignmentsRequest request)
    {
        var specs = request.Topics
            .SelectMany(t => t.Partitions.Select(p => new ReassignmentSpec(t.Name, p.PartitionIndex, p.Replicas)))
            .ToList();
        using var deadline = new RequestDeadline(context, request.TimeoutMs, time);
        var results = await deadline.RunAsync(ct => controller.AlterPartitionReassignmentsAsync(specs, request.AllowReplicationFactorChange, ct),
            "AlterPartitionReassignments");
        var response = new AlterPartitionReassignmentsResponse { AllowReplicationFactorChange = request.AllowReplicationFactorChange };
        var byTopic = new Dictionary<string, AlterPartitionReassignmentsResponse.ReassignableTopicResponse>(StringComparer.Ordinal);
        foreach (var r in results)
        {
            if (!byTopic.TryGetValue(r.Topic, out var topic))
            {
                byTopic[r.Topic] = topic = new AlterPartitionReassignmentsResponse.ReassignableTopicResponse { Name = r.Topic };
                response.Responses.Add(topic);
            }
            topic.Partitions.Add(new AlterPartitionReassignmentsResponse.ReassignablePartitionResponse
            {
                PartitionIndex = r.Partition, ErrorCode = (short)r.ErrorCode, ErrorMessage = r.ErrorMessage,
            });
        }
        return response;
    }

    /// <summary>The error at the top and on every named partition.</summary>
    protected override IMessage? ErrorResponse(AlterPartitionReassignmentsRequest request, ErrorCode error) => new AlterPartitionReassignmentsResponse
    {
        AllowReplicationFactorChange = request.AllowReplicationFactorChange,
        ErrorCode = (short)error,
        Responses = [.. request.Topics.Select(t => new AlterPartitionReassignmentsResponse.ReassignableTopicResponse
        {
            Name = t.Name,
            Partitions = [.. t.Partitions.Select(p => new AlterPartitionReassignmentsResponse.ReassignablePartitionResponse
            {
                PartitionIndex = p.PartitionIndex, ErrorCode = (short)error,
            })],
        })],
    };
}
