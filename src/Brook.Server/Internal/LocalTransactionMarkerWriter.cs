using Brook.Common;
using Brook.Common.Config;
using Brook.Coordination.Transactions;
using Brook.Replication;

namespace Brook.Server.Internal;

/// <summary>
/// Writes COMMIT/ABORT control batches to partitions this broker leads: for its own transaction coordinator (through
/// <see cref="ClusterTransactionMarkerWriter"/>) and for other brokers' coordinators (WriteTxnMarkers). Each marker
/// is committed like an acks=all write before it counts. A partition whose topic was deleted counts as done, as Kafka
/// treats it; one led elsewhere is NOT_LEADER_OR_FOLLOWER, which the coordinator retries.
/// </summary>
public sealed class LocalTransactionMarkerWriter(ReplicaManager replicas, TimeSpan commitTimeout) : ITransactionMarkerWriter
{
    public async ValueTask<IReadOnlyList<(string Topic, int Partition, ErrorCode Error)>> WriteMarkersAsync(long producerId, short producerEpoch,
        int coordinatorEpoch, bool commit, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        var results = new List<(string, int, ErrorCode)>(partitions.Count);
        List<(int Index, ValueTask<ErrorCode> Wait)>? waits = null;
        foreach (var (topic, index) in partitions)
        {
            var (partition, error) = replicas.GetLeaderPartition(new TopicPartition(topic, index));
            if (partition is null)
            {
                results.Add((topic, index, error == ErrorCode.UnknownTopicOrPartition ? ErrorCode.None : error));
                continue;
            }
            var result = partition.AppendTransactionMarker(producerId, producerEpoch, coordinatorEpoch, commit);
            if (result.Error == ErrorCode.None)
                (waits ??= []).Add((results.Count, replicas.WaitForCommitAsync(partition, result.LastOffset, commitTimeout, ct)));
            results.Add((topic, index, result.Error));
        }
        // Markers are part of the commit decision's outcome: committed before the coordinator writes Complete*.
        foreach (var (i, wait) in waits ?? [])
        {
            var error = await wait;
            if (error != ErrorCode.None) results[i] = (results[i].Item1, results[i].Item2, error);
        }
        return results;
    }
}
