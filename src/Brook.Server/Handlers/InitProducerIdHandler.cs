using Brook.Common;
using Brook.Coordination.Transactions;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Replication;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>
/// InitProducerId v0-5. Without a transactional id (idempotent producer) the answer is always a fresh producer id from
/// a persisted block with epoch 0, as Kafka does even when a v3+ request names its current id and epoch (KIP-360).
/// With one, the transaction coordinator bumps the epoch (fencing zombies, aborting an open transaction first) and
/// enforces transaction.max.timeout.ms. Before v4, fencing is reported as INVALID_PRODUCER_EPOCH (KIP-588).
/// </summary>
public sealed class InitProducerIdHandler(ProducerIdManager producerIds, TransactionCoordinatorHost transactions) : ApiHandler<InitProducerIdRequest>
{
    protected override IMessage? ErrorResponse(InitProducerIdRequest request, ErrorCode error) => new InitProducerIdResponse { ErrorCode = (short)error, ProducerId = -1, ProducerEpoch = -1 };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, InitProducerIdRequest request)
    {
        if (request.TransactionalId is null)
        {
            var id = await producerIds.NextAsync(CancellationToken.None);
            return new InitProducerIdResponse { ProducerId = id, ProducerEpoch = 0 };
        }
        if (!await transactions.EnsureReadyAsync(CancellationToken.None))
            return new InitProducerIdResponse { ErrorCode = (short)ErrorCode.CoordinatorNotAvailable, ProducerId = -1, ProducerEpoch = -1 };
        var result = await transactions.Coordinator.InitProducerIdAsync(
            new InitProducerIdArgs(request.TransactionalId, request.TransactionTimeoutMs, request.ProducerId, request.ProducerEpoch)
            {
                FencedAsInvalidProducerEpoch = context.ApiVersion < 4,
            });
        return new InitProducerIdResponse { ErrorCode = (short)result.Error, ProducerId = result.ProducerId, ProducerEpoch = result.ProducerEpoch };
    }
}
