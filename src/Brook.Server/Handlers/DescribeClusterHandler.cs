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
/// DescribeCluster v0-2: the Java AdminClient's source of cluster id, controller and brokers. Fenced brokers are listed
/// only when a v2 request asks for them (IncludeFencedBrokers, KIP-1073), with IsFenced set.
/// </summary>
public sealed class DescribeClusterHandler(MetadataView metadata, BrokerConfig config) : ApiHandler<DescribeClusterRequest>
{
    protected override IMessage? ErrorResponse(DescribeClusterRequest request, ErrorCode error) => new DescribeClusterResponse { ErrorCode = (short)error };

    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, DescribeClusterRequest request)
    {
        var image = metadata.Image;
        var response = new DescribeClusterResponse
        {
            ClusterId = image.ClusterId ?? "",
            ControllerId = BrokerListing.ControllerIdForClients(image, config.NodeId),
            EndpointType = request.EndpointType,
        };
        if (request.IncludeClusterAuthorizedOperations)
            response.ClusterAuthorizedOperations = AuthorizedOperations.For(context, AclResourceType.Cluster, "kafka-cluster");
        foreach (var (broker, endpoint) in BrokerListing.For(image, context.ListenerName, includeFenced: request.IncludeFencedBrokers))
        {
            response.Brokers.Add(new DescribeClusterResponse.DescribeClusterBroker
            {
                BrokerId = broker.Id,
                Host = endpoint.Host,
                Port = endpoint.Port,
                Rack = broker.Rack,
                IsFenced = broker.IsFenced,
            });
        }
        return Done(response);
    }
}
