using Brook.Common.Config;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Replication;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// DescribeLogDirs v1-4 (v0 removed in Kafka 4): the size on disk of every hosted partition (or the requested ones) in
/// the log directory, and from v4 the directory's total and usable bytes.
/// </summary>
public sealed class DescribeLogDirsHandler(ReplicaManager replicas, BrokerConfig config) : ApiHandler<DescribeLogDirsRequest>
{
    public override short MinVersion => 1;

    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, DescribeLogDirsRequest request)
    {
        var logDir = Path.GetFullPath(config.LogDirs[0]);
        var result = new DescribeLogDirsResponse.DescribeLogDirsResult { LogDir = logDir };
        try
        {
            var drive = new DriveInfo(logDir);
            result.TotalBytes = drive.TotalSize;
            result.UsableBytes = drive.AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // Sizes stay -1 (unknown), which the protocol allows.
        }
        var wanted = request.Topics?.ToDictionary(t => t.Topic, t => t.Partitions.ToHashSet(), StringComparer.Ordinal);
        foreach (var byTopic in replicas.Partitions.GroupBy(p => p.Id.Topic).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            HashSet<int>? partitions = null;
            if (wanted is not null && !wanted.TryGetValue(byTopic.Key, out partitions)) continue;
            var topic = new DescribeLogDirsResponse.DescribeLogDirsTopic { Name = byTopic.Key };
            foreach (var p in byTopic.OrderBy(p => p.Id.Partition))
            {
                if (partitions is not null && !partitions.Contains(p.Id.Partition)) continue;
                topic.Partitions.Add(new DescribeLogDirsResponse.DescribeLogDirsPartition
                {
                    PartitionIndex = p.Id.Partition,
                    PartitionSize = p.Log.SizeInBytes,
                    OffsetLag = 0,
                });
            }
            result.Topics.Add(topic);
        }
        return Done(new DescribeLogDirsResponse { Results = [result] });
    }
}
