using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Replication;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// InitProducerId v0-5 for idempotent producers: always a fresh producer id (from a persisted block) with epoch 0, as
/// Kafka does for a null transactional id — even when a v3+ request names its current id and epoch (KIP-360), a new id
/// is the safe answer because nothing ties the old id to this producer. Transactional ids need the transaction coordinator (a later issue): until then they are
/// answered COORDINATOR_NOT_AVAILABLE.
/// </summary>
public sealed class InitProducerIdHandler(ProducerIdManager producerIds) : ApiHandler<InitProducerIdRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, InitProducerIdRequest request)
    {
        if (request.TransactionalId is not null)
            return new InitProducerIdResponse { ErrorCode = (short)ErrorCode.CoordinatorNotAvailable, ProducerId = -1, ProducerEpoch = -1 };

        var id = await producerIds.NextAsync(CancellationToken.None);
        return new InitProducerIdResponse { ProducerId = id, ProducerEpoch = 0 };
    }
}
