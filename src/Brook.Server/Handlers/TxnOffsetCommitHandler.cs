using Brook.Common;
using Brook.Coordination;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>
/// TxnOffsetCommit v0-4: a transactional producer commits its consumer's offsets inside the transaction
/// (consume-transform-produce). They stay pending until the transaction's marker; v3+ carries the group generation and
/// member so a zombie from an old generation is fenced (KIP-447). Partitions that do not exist get
/// UNKNOWN_TOPIC_OR_PARTITION and the others still commit.
/// </summary>
public sealed class TxnOffsetCommitHandler(GroupCoordinatorHost groups, MetadataView metadata) : ApiHandler<TxnOffsetCommitRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, TxnOffsetCommitRequest request)
    {
        var entries = request.Topics
            .SelectMany(t => t.Partitions.Select(p => new OffsetCommitEntry(t.Name, p.PartitionIndex, p.CommittedOffset, p.CommittedLeaderEpoch, p.CommittedMetadata)))
            .ToList();
        var (known, unknown) = OffsetCommitTargets.Split(metadata.Image, entries);
        IReadOnlyList<PartitionResult> results = known.Count == 0 && unknown.Count > 0 ? []
            : await groups.EnsureReadyAsync(CancellationToken.None)
            ? await groups.Coordinator.TxnCommitOffsetsAsync(new TxnOffsetCommitArgs
            {
                TransactionalId = request.TransactionalId,
                GroupId = request.GroupId,
                ProducerId = request.ProducerId,
                ProducerEpoch = request.ProducerEpoch,
                GenerationId = request.GenerationId,
                MemberId = request.MemberId,
                GroupInstanceId = request.GroupInstanceId,
                Offsets = known,
            })
            : known.Select(e => new PartitionResult(e.Topic, e.Partition, ErrorCode.CoordinatorNotAvailable)).ToList();
        var response = new TxnOffsetCommitResponse();
        foreach (var byTopic in OffsetCommitTargets.InRequestOrder(entries, results, unknown))
        {
            var topic = new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic { Name = byTopic.Key };
            foreach (var r in byTopic)
                topic.Partitions.Add(new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition { PartitionIndex = r.Partition, ErrorCode = (short)r.Error });
            response.Topics.Add(topic);
        }
        return response;
    }
}
