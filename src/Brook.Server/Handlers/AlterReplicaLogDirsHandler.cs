using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Replication;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// AlterReplicaLogDirs v1-2 (KIP-113): moves replicas hosted here to another of this broker's log directories. Each
/// move runs in the background (a future log copies the current one, then takes its place); the answer only says
/// whether it started. DescribeLogDirs shows a running move as a future replica with its lag.
/// </summary>
public sealed class AlterReplicaLogDirsHandler(ReplicaManager replicas) : ApiHandler<AlterReplicaLogDirsRequest>
{
    public override short MinVersion => 1;

    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, AlterReplicaLogDirsRequest request)
    {
        var results = new Dictionary<string, AlterReplicaLogDirsResponse.AlterReplicaLogDirTopicResult>(StringComparer.Ordinal);
        foreach (var dir in request.Dirs)
        {
            foreach (var topic in dir.Topics)
            {
                if (!results.TryGetValue(topic.Name, out var result))
                    results[topic.Name] = result = new AlterReplicaLogDirsResponse.AlterReplicaLogDirTopicResult { TopicName = topic.Name };
                foreach (var index in topic.Partitions)
                {
                    var error = replicas.AlterReplicaLogDir(new TopicPartition(topic.Name, index), dir.Path);
                    result.Partitions.Add(new AlterReplicaLogDirsResponse.AlterReplicaLogDirPartitionResult
                    {
                        PartitionIndex = index,
                        ErrorCode = (short)error,
                    });
                }
            }
        }
        return Done(new AlterReplicaLogDirsResponse { Results = [.. results.Values] });
    }
}
