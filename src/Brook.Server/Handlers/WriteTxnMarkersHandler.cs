using Brook.Common;
using Brook.Coordination.Transactions;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>
/// WriteTxnMarkers v1 (Kafka 4 serves only v1; KIP-98): another broker's transaction coordinator has this broker, as
/// partition leader, append the COMMIT or ABORT marker that ends a transaction here. Each marker is committed before it
/// is answered; a marker on a __consumer_offsets partition also settles the group coordinator's pending transactional
/// offsets, as the marker's replay does after a restart.
/// </summary>
public sealed class WriteTxnMarkersHandler(LocalTransactionMarkerWriter markers, GroupCoordinatorHost groups) : ApiHandler<WriteTxnMarkersRequest>
{
    public override short MinVersion => 1;

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, WriteTxnMarkersRequest request)
    {
        var response = new WriteTxnMarkersResponse();
        foreach (var marker in request.Markers)
        {
            var partitions = marker.Topics.SelectMany(t => t.PartitionIndexes.Select(p => (t.Name, p))).ToList();
            var results = await markers.WriteMarkersAsync(marker.ProducerId, marker.ProducerEpoch, marker.CoordinatorEpoch,
                marker.TransactionResult, partitions, context.ConnectionClosed);
            var offsetsDone = results.Where(r => r.Topic == TransactionCoordinator.OffsetsTopicName && r.Error == ErrorCode.None).Select(r => r.Partition).ToList();
            if (offsetsDone.Count > 0)
                await groups.Coordinator.CompleteTransactionAsync(marker.ProducerId, marker.ProducerEpoch, marker.TransactionResult, offsetsDone, context.ConnectionClosed);
            response.Markers.Add(new WriteTxnMarkersResponse.WritableTxnMarkerResult
            {
                ProducerId = marker.ProducerId,
                Topics = [.. results.GroupBy(r => r.Topic).Select(g => new WriteTxnMarkersResponse.WritableTxnMarkerTopicResult
                {
                    Name = g.Key,
                    Partitions = [.. g.Select(r => new WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult { PartitionIndex = r.Partition, ErrorCode = (short)r.Error })],
                })],
            });
        }
        return response;
    }
}
