using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>DeleteTopics v1-6 (v0 removed in Kafka 4). v6 may name topics by id. delete.topic.enable=false refuses with TOPIC_DELETION_DISABLED.</summary>
public sealed class DeleteTopicsHandler(IControllerChannel controller, BrokerConfig config, TimeProvider time) : ApiHandler<DeleteTopicsRequest>
{
    /// <summary>Also on the controller listener: brokers forward this change to the active controller.</summary>
    public override ListenerScope Listeners => ListenerScope.Both;

    public override short MinVersion => 1;

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, DeleteTopicsRequest request)
    {
        var response = new DeleteTopicsResponse();
        if (!config.GetBool("delete.topic.enable"))
        {
            foreach (var t in request.Topics)
                response.Responses.Add(new DeleteTopicsResponse.DeletableTopicResult
                {
                    Name = t.Name,
                    TopicId = t.TopicId,
                    ErrorCode = (short)ErrorCode.TopicDeletionDisabled,
                    ErrorMessage = "Topic deletion is disabled (delete.topic.enable=false)",
                });
            return response;
        }
        var targets = request.Topics.Select(t => (t.Name, t.TopicId.IsZero ? (Uuid?)null : t.TopicId)).ToList();
        using var deadline = new RequestDeadline(context, request.TimeoutMs, time);
        var results = await deadline.RunAsync(ct => controller.DeleteTopicsAsync(targets, ct), "DeleteTopics");
        foreach (var r in results)
            response.Responses.Add(new DeleteTopicsResponse.DeletableTopicResult
            {
                Name = r.Name,
                TopicId = r.TopicId,
                ErrorCode = (short)r.ErrorCode,
                ErrorMessage = r.ErrorMessage,
            });
        return response;
    }

    /// <summary>Every topic gets the error (REQUEST_TIMED_OUT when no controller answered in time).</summary>
    protected override IMessage? ErrorResponse(DeleteTopicsRequest request, ErrorCode error) => new DeleteTopicsResponse
    {
        Responses = [.. request.Topics.Select(t => new DeleteTopicsResponse.DeletableTopicResult { Name = t.Name, TopicId = t.TopicId, ErrorCode = (short)error })],
    };
}
