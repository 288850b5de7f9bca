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
/// Metadata v0-13. v0 is kept because kafka-python 2.0.2 probes with it; v10+ carries topic ids; v13 adds a top-level
/// error code. Unknown topics are created when auto.create.topics.enable is on and the request allows it (always
/// allowed before v4, where the flag did not exist). controller_id is a live broker (see
/// <see cref="BrokerListing.ControllerIdForClients"/>). Only unfenced brokers are listed; a partition without a live
/// leader answers leader -1 with LEADER_NOT_AVAILABLE (clients retry), and from v5 its replicas on fenced or unknown
/// brokers are listed as offline, as Kafka's KRaft metadata cache answers.
/// </summary>
public sealed class MetadataHandler(MetadataView metadata, IControllerChannel controller, BrokerConfig config) : ApiHandler<MetadataRequest>
{
    /// <summary>Kafka answers a failed Metadata with each requested topic carrying the error (and no brokers).</summary>
    protected override IMessage? ErrorResponse(MetadataRequest request, ErrorCode error)
    {
        var response = new MetadataResponse { ErrorCode = (short)error };
        foreach (var t in request.Topics ?? [])
            response.Topics.Add(new MetadataResponse.MetadataResponseTopic { ErrorCode = (short)error, Name = t.Name, TopicId = t.TopicId });
        return response;
    }

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, MetadataRequest request)
    {
        var image = metadata.Image;
        var version = context.ApiVersion;
        var allowAutoCreate = config.AutoCreateTopicsEnable && (version < 4 || request.AllowAutoTopicCreation);

        if (request.Topics is { } requested && allowAutoCreate)
        {
            var missing = requested
                .Where(t => t.Name is { } n && !image.TopicsByName.ContainsKey(n) && TopicNames.Validate(n) is null)
                .Select(t => new CreateTopicSpec(t.Name!, -1, -1, new Dictionary<string, string?>()))
                .DistinctBy(s => s.Name)
                .ToList();
            if (missing.Count > 0)
            {
                await controller.CreateTopicsAsync(missing, validateOnly: false, CancellationToken.None);
                image = metadata.Image;
            }
        }

        var response = new MetadataResponse
        {
            ClusterId = image.ClusterId,
            ControllerId = BrokerListing.ControllerIdForClients(image, config.NodeId),
        };
        // v8-10 only: from v11 the cluster's operations come from DescribeCluster.
        if (request.IncludeClusterAuthorizedOperations && version is >= 8 and <= 10)
            response.ClusterAuthorizedOperations = AuthorizedOperations.For(context, AclResourceType.Cluster, "kafka-cluster");
        foreach (var (broker, endpoint) in BrokerListing.For(image, context.ListenerName))
        {
            response.Brokers.Add(new MetadataResponse.MetadataResponseBroker
            {
                NodeId = broker.Id,
                Host = endpoint.Host,
                Port = endpoint.Port,
                Rack = broker.Rack,
            });
        }

        if (request.Topics is null)
        {
            foreach (var topic in image.TopicsByName.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
                response.Topics.Add(Describe(image, topic, context, request));
            return response;
        }

        foreach (var wanted in request.Topics)
        {
            TopicImage? topic = null;
            if (wanted.Name is { } name) image.TopicsByName.TryGetValue(name, out topic);
            else if (!wanted.TopicId.IsZero) image.TopicsById.TryGetValue(wanted.TopicId, out topic);
            if (topic is not null)
            {
                response.Topics.Add(Describe(image, topic, context, request));
                continue;
            }
            var error = wanted.Name is null ? ErrorCode.UnknownTopicId
                : TopicNames.Validate(wanted.Name) is not null ? ErrorCode.InvalidTopicException
                : ErrorCode.UnknownTopicOrPartition;
            response.Topics.Add(new MetadataResponse.MetadataResponseTopic
            {
                ErrorCode = (short)error,
                Name = wanted.Name,
                TopicId = wanted.TopicId,
            });
        }
        return response;
    }

    private static MetadataResponse.MetadataResponseTopic Describe(MetadataImage image, TopicImage topic, RequestContext context, MetadataRequest request)
    {
        var t = new MetadataResponse.MetadataResponseTopic
        {
            Name = topic.Name,
            TopicId = topic.Id,
            IsInternal = topic.IsInternal,
        };
        if (request.IncludeTopicAuthorizedOperations)
            t.TopicAuthorizedOperations = AuthorizedOperations.For(context, AclResourceType.Topic, topic.Name);
        foreach (var p in topic.Partitions)
        {
            // The leader epoch is sent even without a leader: clients ignore metadata older than the epoch they have.
            var hasLeader = p.Leader >= 0 && BrokerListing.IsAlive(image, p.Leader);
            t.Partitions.Add(new MetadataResponse.MetadataResponsePartition
            {
                ErrorCode = (short)(hasLeader ? ErrorCode.None : ErrorCode.LeaderNotAvailable),
                PartitionIndex = p.Index,
                LeaderId = hasLeader ? p.Leader : -1,
                LeaderEpoch = p.LeaderEpoch,
                ReplicaNodes = [.. p.Replicas],
                IsrNodes = [.. p.Isr],
                OfflineReplicas = [.. p.Replicas.Where(r => !BrokerListing.IsAlive(image, r))],
            });
        }
        return t;
    }
}
