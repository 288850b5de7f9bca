using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Replication;
using Brook.Server.Api;
using Brook.Storage;

namespace Brook.Server.Handlers;

/// <summary>
/// DescribeLogDirs v1-4 (v0 removed in Kafka 4): for each of the broker's log directories, the size on disk of every
/// hosted partition in it (or of the requested ones), from v4 the directory's total and usable bytes; a directory that
/// is offline answers KAFKA_STORAGE_ERROR with no partitions, as Kafka's does.
/// </summary>
public sealed class DescribeLogDirsHandler(ReplicaManager replicas) : ApiHandler<DescribeLogDirsRequest>
{
    public override short MinVersion => 1;

    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, DescribeLogDirsRequest request)
    {
        var wanted = request.Topics?.ToDictionary(t => t.Topic, t => t.Partitions.ToHashSet(), StringComparer.Ordinal);
        var response = new DescribeLogDirsResponse();
        foreach (var dir in replicas.Directories.All)
        {
            var result = new DescribeLogDirsResponse.DescribeLogDirsResult { LogDir = dir.Path };
            response.Results.Add(result);
            if (!dir.IsOnline)
            {
                result.ErrorCode = (short)ErrorCode.KafkaStorageError;
                continue;
            }
            (result.TotalBytes, result.UsableBytes) = dir.Space();
            AddPartitions(result, replicas.Partitions.Where(p => replicas.HomeOf(p.Id) == dir), wanted);
            AddFutureReplicas(result, replicas.Moves.Where(m => m.Destination == dir), wanted);
        }
        return Done(response);
    }

    /// <summary>Replicas moving into the directory (AlterReplicaLogDirs): their copy so far, flagged as future, with its lag.</summary>
    private static void AddFutureReplicas(DescribeLogDirsResponse.DescribeLogDirsResult result, IEnumerable<ReplicaLogMove> moves,
        Dictionary<string, HashSet<int>>? wanted)
    {
        foreach (var move in moves)
        {
            var id = move.Partition.Id;
            if (wanted is not null && (!wanted.TryGetValue(id.Topic, out var indexes) || !indexes.Contains(id.Partition))) continue;
            long size, lag;
            try { (size, lag) = (move.Future.SizeInBytes, move.Lag); }
            catch (ObjectDisposedException) { continue; } // finished or stopped meanwhile
            var topic = result.Topics.FirstOrDefault(t => t.Name == id.Topic);
            if (topic is null) result.Topics.Add(topic = new DescribeLogDirsResponse.DescribeLogDirsTopic { Name = id.Topic });
            topic.Partitions.Add(new DescribeLogDirsResponse.DescribeLogDirsPartition
            {
                PartitionIndex = id.Partition,
                PartitionSize = size,
                OffsetLag = lag,
                IsFutureKey = true,
            });
        }
    }

    private static void AddPartitions(DescribeLogDirsResponse.DescribeLogDirsResult result, IEnumerable<Partition> partitions,
        Dictionary<string, HashSet<int>>? wanted)
    {
        foreach (var byTopic in partitions.GroupBy(p => p.Id.Topic).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            HashSet<int>? indexes = null;
            if (wanted is not null && !wanted.TryGetValue(byTopic.Key, out indexes)) continue;
            var topic = new DescribeLogDirsResponse.DescribeLogDirsTopic { Name = byTopic.Key };
            foreach (var p in byTopic.OrderBy(p => p.Id.Partition))
            {
                if (indexes is not null && !indexes.Contains(p.Id.Partition)) continue;
                long size;
                try { size = p.Log.SizeInBytes; }
                catch (ObjectDisposedException) { continue; } // closed meanwhile (deleted, moved, or its directory failed)
                topic.Partitions.Add(new DescribeLogDirsResponse.DescribeLogDirsPartition
                {
                    PartitionIndex = p.Id.Partition,
                    PartitionSize = size,
                    OffsetLag = 0,
                });
            }
            result.Topics.Add(topic);
        }
    }
}
