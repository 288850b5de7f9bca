using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// CreateTopics v2-7 (v0-1 were removed in Kafka 4, KIP-896). v4+ may ask for broker defaults with -1 partitions or
/// replication factor (Kafka Streams does). v5+ returns the effective configs, partitions and replication factor; v7 the topic id.
/// </summary>
public sealed class CreateTopicsHandler(IControllerChannel controller, DynamicBrokerConfig brokerConfig, TimeProvider time) : ApiHandler<CreateTopicsRequest>
{
    /// <summary>Also on the controller listener: brokers forward this change to the active controller.</summary>
    public override ListenerScope Listeners => ListenerScope.Both;

    public override short MinVersion => 2;

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, CreateTopicsRequest request)
    {
        var specs = request.Topics.Select(t => new CreateTopicSpec(
            t.Name,
            t.NumPartitions,
            t.ReplicationFactor,
            t.Configs.ToDictionary(c => c.Name, c => c.Value),
            t.Assignments.Count == 0 ? null : t.Assignments.Select(a => new ReplicaAssignment(a.PartitionIndex, a.BrokerIds)).ToList())).ToList();
        using var deadline = new RequestDeadline(context, request.TimeoutMs, time);
        var results = await deadline.RunAsync(ct => controller.CreateTopicsAsync(specs, request.ValidateOnly, ct), "CreateTopics");
        var response = new CreateTopicsResponse();
        foreach (var r in results)
        {
            var ok = r.ErrorCode == ErrorCode.None;
            response.Topics.Add(new CreateTopicsResponse.CreatableTopicResult
            {
                Name = r.Name,
                TopicId = ok ? r.TopicId : Uuid.Zero,
                ErrorCode = (short)r.ErrorCode,
                ErrorMessage = r.ErrorMessage,
                NumPartitions = ok ? r.NumPartitions : -1,
                ReplicationFactor = ok ? r.ReplicationFactor : (short)-1,
                Configs = ok ? EffectiveConfigs(r.Configs) : null,
            });
        }
        return response;
    }

    /// <summary>Every topic gets the error (REQUEST_TIMED_OUT when no controller answered in time), so the client retries.</summary>
    protected override IMessage? ErrorResponse(CreateTopicsRequest request, ErrorCode error) => new CreateTopicsResponse
    {
        Topics = [.. request.Topics.Select(t => new CreateTopicsResponse.CreatableTopicResult
        {
            Name = t.Name, TopicId = Uuid.Zero, ErrorCode = (short)error, NumPartitions = -1, ReplicationFactor = -1,
        })],
    };

    /// <summary>v5+ reports every topic config with its effective value and where it came from (KIP-525).</summary>
    private List<CreateTopicsResponse.CreatableTopicConfigs> EffectiveConfigs(IReadOnlyDictionary<string, string>? overrides) =>
        TopicConfigDefs.ResolveTopicConfig(brokerConfig.Current, overrides ?? new Dictionary<string, string>())
            .Select(e => new CreateTopicsResponse.CreatableTopicConfigs
            {
                Name = e.Name,
                Value = e.IsSensitive ? null : e.Value,
                ReadOnly = e.IsReadOnly,
                ConfigSource = (sbyte)e.Source,
                IsSensitive = e.IsSensitive,
            })
            .ToList();
}
