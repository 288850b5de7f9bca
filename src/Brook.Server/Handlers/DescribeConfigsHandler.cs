using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>
/// DescribeConfigs v1-4 (v0 removed in Kafka 4): every topic or broker config with its effective value, where it comes
/// from (topic override, static broker config, default) and, on request, its synonyms (KIP-226) and documentation.
/// </summary>
public sealed class DescribeConfigsHandler(MetadataView metadata, DynamicBrokerConfig brokerConfig) : ApiHandler<DescribeConfigsRequest>
{
    public override short MinVersion => 1;

    protected override ValueTask<IMessage?> HandleAsync(RequestContext context, DescribeConfigsRequest request)
    {
        var image = metadata.Image;
        var response = new DescribeConfigsResponse();
        foreach (var resource in request.Resources)
        {
            var result = new DescribeConfigsResponse.DescribeConfigsResult { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            response.Results.Add(result);
            IReadOnlyList<ConfigEntry> entries;
            switch (resource.ResourceType)
            {
                case DescribeConfigsRequest.ResourceTypeTopic:
                    if (!image.TopicsByName.TryGetValue(resource.ResourceName, out var topic))
                    {
                        result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                        result.ErrorMessage = $"Topic {resource.ResourceName} does not exist.";
                        continue;
                    }
                    entries = TopicConfigDefs.ResolveTopicConfig(brokerConfig.Current, topic.Configs);
                    break;
                case DescribeConfigsRequest.ResourceTypeBroker:
                    if (resource.ResourceName.Length > 0 && resource.ResourceName != brokerConfig.Static.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    {
                        result.ErrorCode = (short)ErrorCode.InvalidRequest;
                        result.ErrorMessage = $"This is broker {brokerConfig.Static.NodeId}; ask broker {resource.ResourceName} for its configs.";
                        continue;
                    }
                    entries = brokerConfig.Current.Describe();
                    break;
                case DescribeConfigsRequest.ResourceTypeBrokerLogger:
                    continue; // no dynamic log levels: an empty list, as a broker with no logger overrides answers
                default:
                    result.ErrorCode = (short)ErrorCode.InvalidRequest;
                    result.ErrorMessage = $"Unsupported resource type {resource.ResourceType}.";
                    continue;
            }
            var wanted = resource.ConfigurationKeys is { } keys ? new HashSet<string>(keys, StringComparer.Ordinal) : null;
            foreach (var e in entries)
            {
                if (wanted is not null && !wanted.Contains(e.Name)) continue;
                var c = new DescribeConfigsResponse.DescribeConfigsResourceResult
                {
                    Name = e.Name,
                    Value = e.IsSensitive ? null : e.Value,
                    ReadOnly = e.IsReadOnly,
                    ConfigSource = (sbyte)e.Source,
                    IsSensitive = e.IsSensitive,
                    ConfigType = (sbyte)e.Type,
                    Documentation = request.IncludeDocumentation ? e.Documentation : null,
                };
                if (request.IncludeSynonyms)
                    foreach (var s in e.Synonyms)
                        c.Synonyms.Add(new DescribeConfigsResponse.DescribeConfigsSynonym { Name = s.Name, Value = e.IsSensitive ? null : s.Value, Source = (sbyte)s.Source });
                result.Configs.Add(c);
            }
        }
        return Done(response);
    }
}
