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
/// DescribeCluster v0-2: the Java AdminClient's source of cluster id, controller and brokers. On a broker listener it
/// lists the brokers (fenced ones only when a v2 request asks for them: IncludeFencedBrokers, KIP-1073, with IsFenced
/// set); on a CONTROLLER listener it lists the controllers and names the active one (KIP-919, what
/// <c>--bootstrap-controller</c> tools use). A request for the other kind of endpoint gets MISMATCHED_ENDPOINT_TYPE,
/// an unknown kind UNSUPPORTED_ENDPOINT_TYPE (INVALID_REQUEST at v0, which has no such field).
/// </summary>
public sealed class DescribeClusterHandler(MetadataView metadata, BrokerConfig config, IMetadataQuorum quorum) : ApiHandler<DescribeClusterRequest>
{
    public override ListenerScope Listeners => ListenerScope.Both;

    protected override IMessage? ErrorResponse(DescribeClusterRequest request, ErrorCode error) => new DescribeClusterResponse { ErrorCode = (short)error };

    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, DescribeClusterRequest request)
    {
        var servedType = context.Session.Scope == ListenerScope.Controller
            ? DescribeClusterRequest.EndpointTypeControllers
            : DescribeClusterRequest.EndpointTypeBrokers;
        var image = metadata.Image;
        var response = new DescribeClusterResponse { ClusterId = image.ClusterId ?? "", EndpointType = request.EndpointType };
        if (request.EndpointType is not (DescribeClusterRequest.EndpointTypeBrokers or DescribeClusterRequest.EndpointTypeControllers))
            return Refuse(response, context, ErrorCode.UnsupportedEndpointType, $"Unknown endpoint type {request.EndpointType}.");
        if (request.EndpointType != servedType)
            return Refuse(response, context, ErrorCode.MismatchedEndpointType,
                $"The request was sent to an endpoint of type {Name(servedType)}, but it asked for an endpoint of type {Name(request.EndpointType)}.");

        if (request.IncludeClusterAuthorizedOperations)
            response.ClusterAuthorizedOperations = AuthorizedOperations.For(context, AclResourceType.Cluster, "kafka-cluster");
        if (servedType == DescribeClusterRequest.EndpointTypeControllers)
            ListControllers(response);
        else
            ListBrokers(response, image, context.ListenerName, request.IncludeFencedBrokers);
        return Done(response);
    }

    private void ListBrokers(DescribeClusterResponse response, MetadataImage image, string listener, bool includeFenced)
    {
        // In KRaft the controller is not reachable by clients: Kafka names a live broker instead.
        response.ControllerId = BrokerListing.ControllerIdForClients(image, config.NodeId);
        foreach (var (broker, endpoint) in BrokerListing.For(image, listener, includeFenced))
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
    }

    /// <summary>The voters on their controller endpoints, and the quorum leader (the active controller) when known.</summary>
    private void ListControllers(DescribeClusterResponse response)
    {
        response.ControllerId = quorum.Leader.LeaderId;
        // The voter set in the log (KIP-853) names voters added after start-up, with their endpoints.
        var listener = Brook.Server.Quorum.QuorumSettings.ControllerListenerName(config);
        foreach (var voter in Brook.Server.Quorum.QuorumEndpoints.ControllerVoters(config, (quorum as RaftMetadataQuorum)?.Server?.Voters))
        {
            if (voter.EndpointFor(listener) is { } endpoint)
                response.Brokers.Add(new DescribeClusterResponse.DescribeClusterBroker { BrokerId = voter.Id, Host = endpoint.Host, Port = endpoint.Port });
        }
    }

    private ValueTask<IMessage?> Refuse(DescribeClusterResponse response, RequestContext context, ErrorCode error, string message)
    {
        response.ErrorCode = (short)(context.ApiVersion == 0 ? ErrorCode.InvalidRequest : error);
        response.ErrorMessage = message;
        return Done(response);
    }

    private static string Name(sbyte endpointType) => endpointType == DescribeClusterRequest.EndpointTypeControllers ? "CONTROLLER" : "BROKER";
}
