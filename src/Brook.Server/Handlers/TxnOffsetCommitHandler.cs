using Brook.Common;
using Brook.Coordination;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>
/// TxnOffsetCommit v0-4: a transactional producer commits its consumer's offsets inside the transaction
/// (consume-transform-produce). They stay pending until the transaction's marker; v3+ carries the group generation and
/// member so a zombie from an old generation is fenced (KIP-447).
/// </summary>
public sealed class TxnOffsetCommitHandler(GroupCoordinatorHost groups) : ApiHandler<TxnOffsetCommitRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, TxnOffsetCommitRequest request)
    {
        var entries = request.Topics
            .SelectMany(t => t.Partitions.Select(p => new OffsetCommitEntry(t.Name, p.PartitionIndex, p.CommittedOffset, p.CommittedLeaderEpoch, p.CommittedMetadata)))
            .ToList();
        IReadOnlyList<PartitionResult> results = await groups.EnsureReadyAsync(CancellationToken.None)
            ? await groups.Coordinator.TxnCommitOffsetsAsync(new TxnOffsetCommitArgs
            {
                TransactionalId = request.TransactionalId,
                GroupId = request.GroupId,
                ProducerId = request.ProducerId,
                ProducerEpoch = request.ProducerEpoch,
                GenerationId = request.GenerationId,
                MemberId = request.MemberId,
                GroupInstanceId = request.GroupInstanceId,
                Offsets = entries,
            })
            : entries.Select(e => new PartitionResult(e.Topic, e.Partition, ErrorCode.CoordinatorNotAvailable)).ToList();
        var response = new TxnOffsetCommitResponse();
        foreach (var byTopic in results.GroupBy(r => r.Topic))
        {
            var topic = new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic { Name = byTopic.Key };
            foreach (var r in byTopic)
                topic.Partitions.Add(new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition { PartitionIndex = r.Partition, ErrorCode = (short)r.Error });
            response.Topics.Add(topic);
        }
        return response;
    }
}
