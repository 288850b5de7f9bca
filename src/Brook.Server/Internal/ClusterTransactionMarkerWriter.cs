using Brook.Client;
using Brook.Common;
using Brook.Coordination.Transactions;
using Brook.Metadata;
using Brook.Protocol.Messages;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Internal;

/// <summary>
/// The transaction coordinator's markers wherever the partitions are led (Kafka's TransactionMarkerChannelManager):
/// partitions led here are appended locally, the others are sent as WriteTxnMarkers to their leaders (one request per
/// leader), and a partition without a leader is reported NOT_LEADER_OR_FOLLOWER so the coordinator retries it after
/// its backoff, against whichever broker leads it then. A topic that no longer exists counts as done.
/// </summary>
public sealed class ClusterTransactionMarkerWriter : ITransactionMarkerWriter
{
    private const short WriteTxnMarkersVersion = 1;

    private readonly LocalTransactionMarkerWriter _local;
    private readonly MetadataView _metadata;
    private readonly int _localId;
    private readonly NodeConnections? _brokers;
    private readonly ILogger _logger;

    /// <param name="brokers">Connections to the other brokers; null on a standalone node, which leads every partition.</param>
    public ClusterTransactionMarkerWriter(LocalTransactionMarkerWriter local, MetadataView metadata, int localId, InterBrokerConnections? brokers,
        ILogger<ClusterTransactionMarkerWriter> logger)
    {
        _local = local;
        _metadata = metadata;
        _localId = localId;
        _brokers = brokers?.Pool;
        _logger = logger;
    }

    public async ValueTask<IReadOnlyList<(string Topic, int Partition, ErrorCode Error)>> WriteMarkersAsync(long producerId, short producerEpoch,
        int coordinatorEpoch, bool commit, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        var image = _metadata.Image;
        var results = new List<(string, int, ErrorCode)>(partitions.Count);
        var local = new List<(string Topic, int Partition)>();
        var remote = new Dictionary<int, List<(string Topic, int Partition)>>();
        foreach (var (topic, index) in partitions)
        {
            if (!image.TopicsByName.TryGetValue(topic, out var t) || index >= t.Partitions.Length)
            {
                results.Add((topic, index, ErrorCode.None));
                continue;
            }
            var leader = t.Partitions[index].Leader;
            if (leader == _localId || _brokers is null) local.Add((topic, index));
            else if (leader < 0) results.Add((topic, index, ErrorCode.NotLeaderOrFollower));
            else (remote.TryGetValue(leader, out var list) ? list : remote[leader] = []).Add((topic, index));
        }
        var sends = remote.Select(r => SendAsync(r.Key, producerId, producerEpoch, coordinatorEpoch, commit, r.Value, ct)).ToList();
        if (local.Count > 0) results.AddRange(await _local.WriteMarkersAsync(producerId, producerEpoch, coordinatorEpoch, commit, local, ct).ConfigureAwait(false));
        foreach (var send in sends) results.AddRange(await send.ConfigureAwait(false));
        return results;
    }

    private async Task<IReadOnlyList<(string Topic, int Partition, ErrorCode Error)>> SendAsync(int leader, long producerId, short producerEpoch,
        int coordinatorEpoch, bool commit, List<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        try
        {
            var response = await _brokers!.SendAsync<WriteTxnMarkersRequest, WriteTxnMarkersResponse>(leader, new WriteTxnMarkersRequest
            {
                Markers = [new()
                {
                    ProducerId = producerId,
                    ProducerEpoch = producerEpoch,
                    TransactionResult = commit,
                    CoordinatorEpoch = coordinatorEpoch,
                    Topics = [.. partitions.GroupBy(p => p.Topic).Select(g => new WriteTxnMarkersRequest.WritableTxnMarkerTopic { Name = g.Key, PartitionIndexes = [.. g.Select(p => p.Partition)] })],
                }],
            }, WriteTxnMarkersVersion, ct).ConfigureAwait(false);
            var reported = response.Markers.SelectMany(m => m.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex, (ErrorCode)p.ErrorCode))))
                .ToDictionary(r => (r.Name, r.PartitionIndex), r => r.Item3);
            return [.. partitions.Select(p => (p.Topic, p.Partition, reported.GetValueOrDefault(p, ErrorCode.UnknownServerError)))];
        }
        catch (Exception e) when (e is IOException or TimeoutException or KafkaException or Protocol.ProtocolException)
        {
            _logger.LogDebug("WriteTxnMarkers to broker {Leader} failed: {Reason}", leader, e.Message);
            return [.. partitions.Select(p => (p.Topic, p.Partition, ErrorCode.NotLeaderOrFollower))];
        }
    }

}
