using Brook.Common;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers.Controller;

/// <summary>
/// AlterPartition v2-3 (KIP-497; topic ids from v2, broker epochs of ISR members in v3, KIP-903) on the controller
/// listener: partition leaders shrink and expand their ISR through the controller, which checks their epochs.
/// </summary>
public sealed class AlterPartitionHandler(IControllerChannel controller) : ApiHandler<AlterPartitionRequest>
{
    public override ListenerScope Listeners => ListenerScope.Controller;

    protected override IMessage? ErrorResponse(AlterPartitionRequest request, ErrorCode error) => new AlterPartitionResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, AlterPartitionRequest request)
    {
        var response = new AlterPartitionResponse();
        foreach (var topic in request.Topics)
        {
            var topicResponse = new AlterPartitionResponse.TopicData { TopicId = topic.TopicId };
            response.Topics.Add(topicResponse);
            foreach (var p in topic.Partitions)
            {
                var result = await controller.AlterPartitionAsync(new AlterPartitionSpec(request.BrokerId, request.BrokerEpoch, topic.TopicId,
                    p.PartitionIndex, p.LeaderEpoch, p.PartitionEpoch, [.. p.NewIsrWithEpochs.Select(b => b.BrokerId)]), context.ConnectionClosed);
                topicResponse.Partitions.Add(new AlterPartitionResponse.PartitionData
                {
                    PartitionIndex = p.PartitionIndex,
                    ErrorCode = (short)result.Error,
                    LeaderId = result.LeaderId,
                    LeaderEpoch = result.LeaderEpoch,
                    PartitionEpoch = result.PartitionEpoch,
                    Isr = [.. result.Isr],
                });
            }
        }
        return response;
    }
}
