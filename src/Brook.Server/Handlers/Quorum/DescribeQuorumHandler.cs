using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Raft;
using Brook.Server.Api;
using Brook.Server.Quorum;
using Microsoft.Extensions.DependencyInjection;

namespace Brook.Server.Handlers.Quorum;

/// <summary>
/// DescribeQuorum v0-2 (KIP-595, KIP-836): the metadata quorum's leader, epoch, high watermark and each voter's and
/// observer's progress — only the leader knows the progress, so another node forwards the request to it (Kafka's
/// brokers forward it to the active controller). Served on client and controller listeners (kafka-metadata-quorum
/// talks to either).
/// </summary>
public sealed class DescribeQuorumHandler(RaftMetadataQuorum quorum, BrokerConfig config, IServiceProvider services) : ApiHandler<DescribeQuorumRequest>
{
    public override ListenerScope Listeners => ListenerScope.Both;

    protected override IMessage? ErrorResponse(DescribeQuorumRequest request, ErrorCode error) => new DescribeQuorumResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, DescribeQuorumRequest request)
    {
        var asked = request.Topics.SelectMany(t => t.Partitions.Select(p => (t.TopicName, p.PartitionIndex))).ToList();
        if (asked.Any(a => a.TopicName != RaftWire.MetadataTopicName || a.PartitionIndex != 0))
            return new DescribeQuorumResponse
            {
                Topics = [.. asked.Select(a => new DescribeQuorumResponse.TopicData
                {
                    TopicName = a.TopicName,
                    Partitions = [new() { PartitionIndex = a.PartitionIndex, ErrorCode = (short)ErrorCode.UnknownTopicOrPartition }],
                })],
            };
        var info = await quorum.DescribeAsync();
        if (info.Role != RaftRole.Leader)
        {
            if (info.LeaderId < 0 || services.GetService<KafkaRaftTransport>() is not { } transport)
                return ErrorResponse(request, ErrorCode.NotLeaderOrFollower);
            // Only the leader tracks every replica's progress: ask it.
            return await transport.ForwardAsync<DescribeQuorumRequest, DescribeQuorumResponse>(info.LeaderId, request, context.ApiVersion, context.ConnectionClosed);
        }
        var partition = new DescribeQuorumResponse.PartitionData
        {
            PartitionIndex = 0,
            LeaderId = info.LeaderId,
            LeaderEpoch = info.LeaderEpoch,
            HighWatermark = info.HighWatermark,
            CurrentVoters = [.. info.Voters.Select(Replica)],
            Observers = [.. info.Observers.Select(Replica)],
        };
        var response = new DescribeQuorumResponse
        {
            Topics = [new() { TopicName = RaftWire.MetadataTopicName, Partitions = [partition] }],
        };
        // Where each voter listens: the voter set in the log knows voters added later (KIP-853).
        foreach (var voter in QuorumEndpoints.ControllerVoters(config, info.Members).Where(v => v.Endpoints.Count > 0))
            response.Nodes.Add(new DescribeQuorumResponse.Node
            {
                NodeId = voter.Id,
                Listeners = [.. voter.Endpoints.Select(e => new Protocol.Messages.ListenerEndpoint { Name = e.Name, Host = e.Host, Port = (ushort)e.Port })],
            });
        return response;
    }

    private static DescribeQuorumResponse.ReplicaState Replica(ReplicaInfo r) => new()
    {
        ReplicaId = r.ReplicaId,
        LogEndOffset = r.LogEndOffset,
        LastFetchTimestamp = r.LastFetchTimestampMs,
        LastCaughtUpTimestamp = r.LastCaughtUpTimestampMs,
        ReplicaDirectoryId = r.DirectoryId,
    };
}
