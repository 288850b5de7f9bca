using Brook.Common;
using Brook.Coordination.Transactions;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>
/// AddPartitionsToTxn v0-4: a transactional producer registers the partitions it is about to write (transaction
/// version 1). v4 batches transactions and may only verify membership (KIP-890, broker to broker). v0-1 report fencing
/// as INVALID_PRODUCER_EPOCH, v2+ as PRODUCER_FENCED (KIP-588).
/// </summary>
public sealed class AddPartitionsToTxnHandler(TransactionCoordinatorHost transactions) : ApiHandler<AddPartitionsToTxnRequest>
{
    // v5 belongs to transaction version 2 (KIP-890 part 2), which this broker does not offer.
    public override short MaxVersion => 4;

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, AddPartitionsToTxnRequest request)
    {
        var ready = await transactions.EnsureReadyAsync(CancellationToken.None);
        var response = new AddPartitionsToTxnResponse();
        foreach (var txn in request.Transactions)
        {
            var partitions = txn.Topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Name, p))).ToList();
            var perPartition = new Dictionary<TopicPartition, ErrorCode>();
            if (!ready)
            {
                foreach (var tp in partitions) perPartition[tp] = ErrorCode.CoordinatorNotAvailable;
            }
            else if (txn.VerifyOnly)
            {
                var verified = transactions.Coordinator.VerifyPartitionsInTxn(txn.TransactionalId, txn.ProducerId, txn.ProducerEpoch, partitions);
                foreach (var r in verified.Partitions) perPartition[new TopicPartition(r.Topic, r.Partition)] = r.Error == ErrorCode.None ? verified.Error : r.Error;
            }
            else
            {
                var error = await transactions.Coordinator.AddPartitionsToTxnAsync(
                    new AddPartitionsToTxnArgs(txn.TransactionalId, txn.ProducerId, txn.ProducerEpoch, partitions) { FencedAsInvalidProducerEpoch = context.ApiVersion < 2 });
                foreach (var tp in partitions) perPartition[tp] = error;
            }
            var result = new AddPartitionsToTxnResponse.AddPartitionsToTxnResult { TransactionalId = txn.TransactionalId };
            foreach (var byTopic in perPartition.GroupBy(kv => kv.Key.Topic))
            {
                var topic = new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult { Name = byTopic.Key };
                foreach (var (tp, error) in byTopic)
                    topic.ResultsByPartition.Add(new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult { PartitionIndex = tp.Partition, PartitionErrorCode = (short)error });
                result.TopicResults.Add(topic);
            }
            response.ResultsByTransaction.Add(result);
        }
        return response;
    }
}

/// <summary>AddOffsetsToTxn v0-4: adds the group's __consumer_offsets partition to the transaction before TxnOffsetCommit.</summary>
public sealed class AddOffsetsToTxnHandler(TransactionCoordinatorHost transactions) : ApiHandler<AddOffsetsToTxnRequest>
{
    protected override IMessage? ErrorResponse(AddOffsetsToTxnRequest request, ErrorCode error) => new AddOffsetsToTxnResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, AddOffsetsToTxnRequest request)
    {
        if (!await transactions.EnsureReadyAsync(CancellationToken.None))
            return new AddOffsetsToTxnResponse { ErrorCode = (short)ErrorCode.CoordinatorNotAvailable };
        var error = await transactions.Coordinator.AddOffsetsToTxnAsync(
            new AddOffsetsToTxnArgs(request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.GroupId) { FencedAsInvalidProducerEpoch = context.ApiVersion < 2 });
        return new AddOffsetsToTxnResponse { ErrorCode = (short)error };
    }
}

/// <summary>
/// EndTxn v0-4: commit or abort. Answered once PrepareCommit/PrepareAbort is durable; the markers follow. v5 (transaction
/// version 2, KIP-890 part 2) is not offered.
/// </summary>
public sealed class EndTxnHandler(TransactionCoordinatorHost transactions) : ApiHandler<EndTxnRequest>
{
    protected override IMessage? ErrorResponse(EndTxnRequest request, ErrorCode error) => new EndTxnResponse { ErrorCode = (short)error };

    public override short MaxVersion => 4;

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, EndTxnRequest request)
    {
        if (!await transactions.EnsureReadyAsync(CancellationToken.None))
            return new EndTxnResponse { ErrorCode = (short)ErrorCode.CoordinatorNotAvailable };
        var error = await transactions.Coordinator.EndTxnAsync(
            new EndTxnArgs(request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.Committed) { FencedAsInvalidProducerEpoch = context.ApiVersion < 2 });
        return new EndTxnResponse { ErrorCode = (short)error };
    }
}

/// <summary>DescribeTransactions v0 (KIP-664): state, timeout, start time, producer and partitions of transactional ids.</summary>
public sealed class DescribeTransactionsHandler(TransactionCoordinatorHost transactions) : ApiHandler<DescribeTransactionsRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, DescribeTransactionsRequest request)
    {
        var response = new DescribeTransactionsResponse();
        if (!await transactions.EnsureReadyAsync(CancellationToken.None))
        {
            foreach (var id in request.TransactionalIds)
                response.TransactionStates.Add(new DescribeTransactionsResponse.DescribedTransaction { TransactionalId = id, ErrorCode = (short)ErrorCode.CoordinatorNotAvailable });
            return response;
        }
        foreach (var t in transactions.Coordinator.DescribeTransactions(request.TransactionalIds))
        {
            var d = new DescribeTransactionsResponse.DescribedTransaction
            {
                ErrorCode = (short)t.Error,
                TransactionalId = t.TransactionalId,
                TransactionState = t.State,
                TransactionTimeoutMs = t.TransactionTimeoutMs,
                TransactionStartTimeMs = t.TransactionStartTimeMs,
                ProducerId = t.ProducerId,
                ProducerEpoch = t.ProducerEpoch,
            };
            foreach (var topic in t.Topics)
                d.Topics.Add(new DescribeTransactionsResponse.TopicData { Topic = topic.Topic, Partitions = [.. topic.Partitions] });
            response.TransactionStates.Add(d);
        }
        return response;
    }
}

/// <summary>ListTransactions v0-1 (KIP-664): transactional ids by state, producer id and (v1) minimum duration.</summary>
public sealed class ListTransactionsHandler(TransactionCoordinatorHost transactions) : ApiHandler<ListTransactionsRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, ListTransactionsRequest request)
    {
        if (!await transactions.EnsureReadyAsync(CancellationToken.None))
            return new ListTransactionsResponse { ErrorCode = (short)ErrorCode.CoordinatorNotAvailable };
        var result = transactions.Coordinator.ListTransactions(new ListTransactionsArgs
        {
            StateFilters = request.StateFilters,
            ProducerIdFilters = request.ProducerIdFilters,
            DurationFilterMs = request.DurationFilter,
        });
        var response = new ListTransactionsResponse { ErrorCode = (short)result.Error, UnknownStateFilters = [.. result.UnknownStateFilters] };
        foreach (var t in result.Transactions)
            response.TransactionStates.Add(new ListTransactionsResponse.ListedTransaction { TransactionalId = t.TransactionalId, ProducerId = t.ProducerId, TransactionState = t.State });
        return response;
    }
}
