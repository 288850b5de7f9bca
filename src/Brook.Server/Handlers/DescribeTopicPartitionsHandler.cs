using Brook.Common;
using Brook.Common.Config;
using Brook.Common.Security;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Security;

namespace Brook.Server.Handlers;

/// <summary>
/// DescribeTopicPartitions v0 (KIP-966; the Java Admin's describeTopics from 3.8): topic and partition state in pages.
/// The named topics (every topic when none is named) are described in name order from the cursor on, at most
/// min(ResponsePartitionLimit, max.request.partition.size.limit) partitions per response; NextCursor names the first
/// partition left out, null when nothing is. A name that is not a topic answers UNKNOWN_TOPIC_OR_PARTITION; a cursor
/// on a topic that was not asked for is INVALID_REQUEST. Brook keeps no eligible leader replicas (KIP-966's ELR), so
/// those lists are empty; a partition without a live leader answers LEADER_NOT_AVAILABLE, its replicas on fenced or
/// unknown brokers are offline, as in Metadata.
/// </summary>
public sealed class DescribeTopicPartitionsHandler(MetadataView metadata, BrokerConfig config) : ApiHandler<DescribeTopicPartitionsRequest>
{
    protected override IMessage? ErrorResponse(DescribeTopicPartitionsRequest request, ErrorCode error) => new DescribeTopicPartitionsResponse
    {
        Topics = [.. request.Topics.Select(t => new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic { Name = t.Name, ErrorCode = (short)error })],
    };

    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, DescribeTopicPartitionsRequest request)
    {
        var image = metadata.Image;
        var all = request.Topics.Count == 0;
        var names = all ? [.. image.TopicsByName.Keys] : request.Topics.Select(t => t.Name).Distinct().ToList();
        names.Sort(StringComparer.Ordinal);
        var cursor = request.Cursor;
        if (cursor is not null)
        {
            if ((!all && !names.Contains(cursor.TopicName)) || cursor.PartitionIndex < 0)
                return Done(ErrorResponse(request, ErrorCode.InvalidRequest)!);
            names = [.. names.Where(n => string.CompareOrdinal(n, cursor.TopicName) >= 0)];
        }
        var limit = Math.Max(1, Math.Min(request.ResponsePartitionLimit, config.MaxRequestPartitionSizeLimit));
        var response = new DescribeTopicPartitionsResponse();
        var left = limit;
        foreach (var name in names)
        {
            if (!image.TopicsByName.TryGetValue(name, out var topic))
            {
                response.Topics.Add(new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic
                {
                    Name = name, ErrorCode = (short)(TopicNames.Validate(name) is null ? ErrorCode.UnknownTopicOrPartition : ErrorCode.InvalidTopicException),
                });
                continue;
            }
            var first = cursor is not null && name == cursor.TopicName ? cursor.PartitionIndex : 0;
            if (left == 0)
            {
                response.NextCursor = new DescribeTopicPartitionsCursor { TopicName = name, PartitionIndex = first };
                break;
            }
            var described = new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic
            {
                Name = topic.Name,
                TopicId = topic.Id,
                IsInternal = topic.IsInternal,
                TopicAuthorizedOperations = AuthorizedOperations.For(context, AclResourceType.Topic, topic.Name),
            };
            response.Topics.Add(described);
            for (var i = first; i < topic.Partitions.Length; i++)
            {
                if (left == 0)
                {
                    response.NextCursor = new DescribeTopicPartitionsCursor { TopicName = name, PartitionIndex = i };
                    break;
                }
                described.Partitions.Add(Describe(image, topic.Partitions[i]));
                left--;
            }
            if (response.NextCursor is not null) break;
        }
        return Done(response);
    }

    private static DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition Describe(MetadataImage image, PartitionImage p)
    {
        var hasLeader = p.Leader >= 0 && BrokerListing.IsAlive(image, p.Leader);
        return new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition
        {
            ErrorCode = (short)(hasLeader ? ErrorCode.None : ErrorCode.LeaderNotAvailable),
            PartitionIndex = p.Index,
            LeaderId = hasLeader ? p.Leader : -1,
            LeaderEpoch = p.LeaderEpoch,
            ReplicaNodes = [.. p.Replicas],
            IsrNodes = [.. p.Isr],
            EligibleLeaderReplicas = [.. p.Elr],
            LastKnownElr = [.. p.LastKnownElr],
            OfflineReplicas = [.. p.Replicas.Where(r => !BrokerListing.IsAlive(image, r))],
        };
    }
}
