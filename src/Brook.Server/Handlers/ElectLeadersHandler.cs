using Brook.Common;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// ElectLeaders v0-2 (KIP-183, KIP-460; kafka-leader-election.sh, Admin.electLeaders): preferred or unclean leader
/// elections now. Sent to any broker, which forwards it to the active controller; the controller listener serves the
/// forwarded request. Results are grouped by topic in request order.
/// </summary>
public sealed class ElectLeadersHandler(IControllerChannel controller, TimeProvider time) : ApiHandler<ElectLeadersRequest>
{
    public override ListenerScope Listeners => ListenerScope.Both;

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, ElectLeadersRequest request)
    {
        if (request.ElectionType is not (ElectLeadersRequest.PreferredElection or ElectLeadersRequest.UncleanElection))
            return ErrorResponse(request, ErrorCode.InvalidRequest);
        var type = (ElectionType)request.ElectionType;
        var partitions = request.TopicPartitions?
            .Select(t => (t.Topic, (IReadOnlyList<int>)t.Partitions))
            .ToList();
        using var deadline = new RequestDeadline(context, request.TimeoutMs, time);
        var results = await deadline.RunAsync(ct => controller.ElectLeadersAsync(type, partitions, ct), "ElectLeaders");
        var response = new ElectLeadersResponse();
        var byTopic = new Dictionary<string, ElectLeadersResponse.ReplicaElectionResult>(StringComparer.Ordinal);
        foreach (var r in results)
        {
            if (!byTopic.TryGetValue(r.Topic, out var topic))
            {
                byTopic[r.Topic] = topic = new ElectLeadersResponse.ReplicaElectionResult { Topic = r.Topic };
                response.ReplicaElectionResults.Add(topic);
            }
            topic.PartitionResult.Add(new ElectLeadersResponse.PartitionResult
            {
                PartitionId = r.Partition, ErrorCode = (short)r.ErrorCode, ErrorMessage = r.ErrorMessage,
            });
        }
        return response;
    }

    /// <summary>The error at the top (v1+) and on every named partition (v0 has only those).</summary>
    protected override IMessage? ErrorResponse(ElectLeadersRequest request, ErrorCode error) => new ElectLeadersResponse
    {
        ErrorCode = (short)error,
        ReplicaElectionResults = [.. (request.TopicPartitions ?? []).Select(t => new ElectLeadersResponse.ReplicaElectionResult
        {
            Topic = t.Topic,
            PartitionResult = [.. t.Partitions.Select(p => new ElectLeadersResponse.PartitionResult { PartitionId = p, ErrorCode = (short)error })],
        })],
    };
}
