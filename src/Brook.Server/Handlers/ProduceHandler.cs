using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;
using Brook.Replication;
using Brook.Server.Api;
using Brook.Server.Metrics;
using Brook.Server.Internal;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Handlers;

/// <summary>
/// Produce v3-13, advertised from v0: Kafka 4 refuses v0-2 (magic v0/v1 message sets) yet keeps v0 in ApiVersions
/// because older librdkafka switched compression off otherwise (KAFKA-18659). v13 names topics by id (KIP-516).
/// acks=0 gets no response; acks=all waits (within the request timeout) until the batch is committed — the high
/// watermark past it — and, with brook.log.flush.on.ack, fsynced here (ReplicaManager.WaitForCommitAsync).
/// </summary>
public sealed class ProduceHandler(
    MetadataView metadata,
    ReplicaManager replicas,
    TransactionVerifier verifier,
    BrokerMetrics metrics,
    ILogger<ProduceHandler> logger) : ApiHandler<ProduceRequest>
{
    /// <summary>Every partition of the request fails with <paramref name="error"/>; nothing was appended.</summary>
    protected override IMessage? ErrorResponse(ProduceRequest request, ErrorCode error)
    {
        if (request.Acks == 0) return null;
        var response = new ProduceResponse();
        foreach (var topic in request.TopicData)
            response.Responses.Add(new ProduceResponse.TopicProduceResponse
            {
                Name = topic.Name,
                TopicId = topic.TopicId,
                PartitionResponses = [.. topic.PartitionData.Select(p => new ProduceResponse.PartitionProduceResponse { Index = p.Index, ErrorCode = (short)error, BaseOffset = -1 })],
            });
        return response;
    }

    public override short MinVersion => 3;
    public override short AdvertisedMinVersion => 0;

    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, ProduceRequest request)
    {
        var session = context.Session;
        var toVerify = request.TransactionalId is not null ? FirstTransactionalBatches(context, request) : null;
        if (toVerify is null && session.AppendTail.IsCompleted) return Append(context, request, verdicts: null);
        // The first batches of a transaction here need the (maybe remote) coordinator's word before they are appended.
        // This request's appends, and every later request's of this connection, wait their turn behind it.
        var previous = session.AppendTail;
        var appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.AppendTail = appended.Task;
        return VerifyThenAppendAsync(context, request, previous, toVerify, appended);
    }

    private async ValueTask<IMessage?> VerifyThenAppendAsync(RequestContext context, ProduceRequest request, Task previous,
        (long ProducerId, short Epoch, List<TopicPartition> Partitions)? toVerify, TaskCompletionSource appended)
    {
        try
        {
            await previous.ConfigureAwait(false);
            var verdicts = toVerify is { } v
                ? await verifier.VerifyAsync(request.TransactionalId!, v.ProducerId, v.Epoch, v.Partitions, context.ConnectionClosed).ConfigureAwait(false)
                : null;
            // Append runs its appends before its first await: once it returns, the next request may append.
            var answer = Append(context, request, verdicts);
            appended.TrySetResult();
            return await answer.ConfigureAwait(false);
        }
        finally
        {
            appended.TrySetResult();
        }
    }

    /// <summary>
    /// The partitions of a transactional produce led here whose batch would open the producer's transaction here (KIP-890
    /// verifies only those; later batches of an open transaction need no check), with the producer's id and epoch.
    /// </summary>
    private (long ProducerId, short Epoch, List<TopicPartition> Partitions)? FirstTransactionalBatches(RequestContext context, ProduceRequest request)
    {
        var image = metadata.Image;
        List<TopicPartition>? partitions = null;
        long producerId = -1;
        short epoch = -1;
        foreach (var topic in request.TopicData)
        {
            var name = context.ApiVersion >= 13 ? image.TopicsById.TryGetValue(topic.TopicId, out var t) ? t.Name : null : topic.Name;
            if (name is null) continue;
            foreach (var p in topic.PartitionData)
            {
                if (p.Records is not MemoryRecordSet { SizeInBytes: >= RecordBatchHeader.Size } records) continue;
                var header = new RecordBatchHeader(records.Data.Span);
                if (!header.IsTransactional) continue;
                var (partition, _) = replicas.GetLeaderPartition(new TopicPartition(name, p.Index));
                if (partition is null || partition.Log.ProducerState.HasOngoingTransaction(header.ProducerId, header.ProducerEpoch)) continue;
                (partitions ??= []).Add(partition.Id);
                producerId = header.ProducerId;
                epoch = header.ProducerEpoch;
            }
        }
        return partitions is null ? null : (producerId, epoch, partitions);
    }

    private ValueTask<IMessage?> Append(RequestContext context, ProduceRequest request, IReadOnlyDictionary<TopicPartition, ErrorCode>? verdicts)
    {
        var response = new ProduceResponse();
        var acks = request.Acks;
        var validAcks = acks is -1 or 0 or 1;
        List<(ProduceResponse.PartitionProduceResponse Response, Partition Partition, long LastOffset)>? waiting = null;
        var image = metadata.Image;
        LeaderHints? hints = null;

        foreach (var topic in request.TopicData)
        {
            var topicResponse = new ProduceResponse.TopicProduceResponse { Name = topic.Name, TopicId = topic.TopicId };
            response.Responses.Add(topicResponse);
            var name = context.ApiVersion >= 13
                ? image.TopicsById.TryGetValue(topic.TopicId, out var t) ? t.Name : null
                : topic.Name;
            foreach (var p in topic.PartitionData)
            {
                var pr = new ProduceResponse.PartitionProduceResponse { Index = p.Index, BaseOffset = -1 };
                topicResponse.PartitionResponses.Add(pr);
                if (!validAcks) { pr.ErrorCode = (short)ErrorCode.InvalidRequiredAcks; continue; }
                if (name is null)
                {
                    pr.ErrorCode = (short)ErrorCode.UnknownTopicId;
                    continue;
                }
                var (partition, leaderError) = replicas.GetLeaderPartition(new TopicPartition(name, p.Index));
                if (partition is null)
                {
                    pr.ErrorCode = (short)leaderError;
                    if (context.ApiVersion >= 10 && LeaderHints.Applies(leaderError))
                        pr.CurrentLeader = (hints ??= new LeaderHints(image, context.ListenerName)).For(name, p.Index);
                    continue;
                }
                if (p.Records is not MemoryRecordSet records || records.SizeInBytes == 0)
                {
                    // Kafka's ProduceRequest.validateRecords: v3+ needs exactly one batch per partition.
                    pr.ErrorCode = (short)ErrorCode.InvalidRecord;
                    pr.ErrorMessage = "produce request carried no record batch for this partition";
                    continue;
                }
                if (request.TransactionalId is { } transactionalId && VerifyTransaction(transactionalId, partition, records, verdicts) is { } txnError)
                {
                    pr.ErrorCode = (short)txnError.Error;
                    pr.ErrorMessage = txnError.Message;
                    continue;
                }
                var result = partition.AppendAsLeader(records.Data, allowZstd: context.ApiVersion >= 7, requiredAcks: acks);
                pr.LogStartOffset = partition.LogStartOffset;
                if (result.Error != ErrorCode.None)
                {
                    metrics.Topics.ProduceFailed(name);
                    pr.ErrorCode = (short)result.Error;
                    pr.ErrorMessage = result.ErrorMessage;
                    foreach (var recordError in result.RecordErrors)
                        pr.RecordErrors.Add(new ProduceResponse.BatchIndexAndErrorMessage { BatchIndex = recordError.BatchIndex, BatchIndexErrorMessage = recordError.Message });
                    logger.LogDebug("Produce to {Partition} from {Client} rejected: {Error} {Message}", partition.Id, context.ClientId, result.Error, result.ErrorMessage);
                    continue;
                }
                // A retried duplicate was counted when it was first appended.
                if (!result.Duplicate) metrics.Topics.Produced(name, result.LastOffset - result.FirstOffset + 1, records.SizeInBytes);
                pr.BaseOffset = result.FirstOffset;
                pr.LogAppendTimeMs = partition.Settings.LogAppendTime ? result.LogAppendTime : -1;
                // A retried duplicate waits too: it is answered once its original is committed.
                if (acks == -1) (waiting ??= []).Add((pr, partition, result.LastOffset));
            }
        }

        if (hints is not null) response.NodeEndpoints.AddRange(hints.Endpoints);
        if (acks == 0) return ValueTask.FromResult<IMessage?>(null);
        if (waiting is null) return Done(response);
        return WaitForCommitAsync(response, waiting, TimeSpan.FromMilliseconds(Math.Max(0, request.TimeoutMs)));
    }

    /// <summary>
    /// KIP-890 part 1: a transactional batch may only go to a partition its transaction added (AddPartitionsToTxn);
    /// otherwise a hanging transaction could be created. The coordinator's answers are translated as Kafka's
    /// ReplicaManager translates them for producers: PRODUCER_FENCED becomes INVALID_PRODUCER_EPOCH (what makes
    /// librdkafka and the Java client raise their fatal "fenced" error; 90 would be treated as abortable), a partition
    /// outside the transaction is INVALID_TXN_STATE, and a coordinator that cannot answer right now is
    /// NOT_ENOUGH_REPLICAS (retriable without a metadata refresh, which older clients handle correctly).
    /// </summary>
    private static (ErrorCode Error, string Message)? VerifyTransaction(string transactionalId, Partition partition, MemoryRecordSet records,
        IReadOnlyDictionary<TopicPartition, ErrorCode>? verdicts)
    {
        if (records.SizeInBytes < RecordBatchHeader.Size) return null;
        var header = new RecordBatchHeader(records.Data.Span);
        if (!header.IsTransactional || partition.Log.ProducerState.HasOngoingTransaction(header.ProducerId, header.ProducerEpoch)) return null;
        // Not checked with the coordinator (the transaction here ended since this request was read): let the client retry.
        var error = verdicts is not null && verdicts.TryGetValue(partition.Id, out var verdict) ? verdict : ErrorCode.CoordinatorNotAvailable;
        return error switch
        {
            ErrorCode.None => null,
            ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch =>
                (ErrorCode.InvalidProducerEpoch, $"producer epoch {header.ProducerEpoch} of {transactionalId} is fenced by a newer one"),
            ErrorCode.TransactionAbortable or ErrorCode.InvalidTxnState =>
                (ErrorCode.InvalidTxnState, $"partition {partition} was not added to the ongoing transaction of {transactionalId}"),
            ErrorCode.ConcurrentTransactions or ErrorCode.CoordinatorLoadInProgress or ErrorCode.CoordinatorNotAvailable or ErrorCode.NotCoordinator
                or ErrorCode.NetworkException =>
                (ErrorCode.NotEnoughReplicas, $"unable to verify the partition was added to the transaction: {error}"),
            _ => (error, $"transaction verification of {transactionalId} failed: {error}"),
        };
    }

    /// <summary>
    /// acks=all: every partition's wait runs at once, bounded by the request's timeout; a partition whose batch was not
    /// committed in time (or whose ISR shrank) reports that error instead of its offset, as Kafka's delayed produce does.
    /// </summary>
    private async ValueTask<IMessage?> WaitForCommitAsync(ProduceResponse response,
        List<(ProduceResponse.PartitionProduceResponse Response, Partition Partition, long LastOffset)> waiting, TimeSpan timeout)
    {
        var waits = new ValueTask<ErrorCode>[waiting.Count];
        for (var i = 0; i < waiting.Count; i++)
            waits[i] = replicas.WaitForCommitAsync(waiting[i].Partition, waiting[i].LastOffset, timeout, CancellationToken.None);
        for (var i = 0; i < waiting.Count; i++)
        {
            var error = await waits[i];
            if (error == ErrorCode.None) continue;
            var pr = waiting[i].Response;
            pr.ErrorCode = (short)error;
            pr.BaseOffset = -1;
            pr.LogAppendTimeMs = -1;
        }
        return response;
    }
}
