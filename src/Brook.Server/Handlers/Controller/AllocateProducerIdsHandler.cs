using Brook.Common;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Replication;
using Brook.Server.Api;

namespace Brook.Server.Handlers.Controller;

/// <summary>AllocateProducerIds v0 (KIP-730) on the controller listener: a block of producer ids for a broker's InitProducerId.</summary>
public sealed class AllocateProducerIdsHandler(IControllerChannel controller) : ApiHandler<AllocateProducerIdsRequest>
{
    public override ListenerScope Listeners => ListenerScope.Controller;

    protected override IMessage? ErrorResponse(AllocateProducerIdsRequest request, ErrorCode error) =>
        new AllocateProducerIdsResponse { ErrorCode = (short)error, ProducerIdStart = -1 };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, AllocateProducerIdsRequest request)
    {
        var start = await controller.AllocateProducerIdBlockAsync(ProducerIdManager.BlockSize, context.ConnectionClosed);
        return new AllocateProducerIdsResponse { ProducerIdStart = start, ProducerIdLen = ProducerIdManager.BlockSize };
    }
}
