using Brook.Common;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers.Controller;

/// <summary>AssignReplicasToDirs v0 (KIP-858) on the controller listener: which log directory each of a broker's replicas lives in.</summary>
public sealed class AssignReplicasToDirsHandler(IControllerChannel controller) : ApiHandler<AssignReplicasToDirsRequest>
{
    public override ListenerScope Listeners => ListenerScope.Controller;

    protected override IMessage? ErrorResponse(AssignReplicasToDirsRequest request, ErrorCode error) =>
        new AssignReplicasToDirsResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, AssignReplicasToDirsRequest request)
    {
        var assignments = request.Directories
            .SelectMany(d => d.Topics.SelectMany(t => t.Partitions.Select(p => new DirectoryAssignment(t.TopicId, p, d.Id))))
            .ToList();
        var result = await controller.AssignReplicasToDirsAsync(request.BrokerId, request.BrokerEpoch, assignments, context.ConnectionClosed);
        return new AssignReplicasToDirsResponse
        {
            ErrorCode = (short)result.Error,
            Directories = [.. result.Partitions.GroupBy(o => o.Assignment.DirectoryId).Select(d => new AssignReplicasToDirsResponse.DirectoryData
            {
                Id = d.Key,
                Topics = [.. d.GroupBy(o => o.Assignment.TopicId).Select(t => new AssignReplicasToDirsResponse.TopicData
                {
                    TopicId = t.Key,
                    Partitions = [.. t.Select(o => new AssignReplicasToDirsResponse.PartitionData
                    {
                        PartitionIndex = o.Assignment.Partition,
                        ErrorCode = (short)o.Error,
                    })],
                })],
            })],
        };
    }
}
