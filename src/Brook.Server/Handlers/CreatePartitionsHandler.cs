using Brook.Common;
using Brook.Metadata;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;

namespace Brook.Server.Handlers;

/// <summary>CreatePartitions v0-3: raises a topic's partition count (never lowers it); new partitions are empty.</summary>
public sealed class CreatePartitionsHandler(IControllerChannel controller, TimeProvider time) : ApiHandler<CreatePartitionsRequest>
{
    /// <summary>Also on the controller listener: brokers forward this change to the active controller.</summary>
    public override ListenerScope Listeners => ListenerScope.Both;

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, CreatePartitionsRequest request)
    {
        var specs = request.Topics
            .Select(t => new PartitionAdditionSpec(t.Name, t.Count, t.Assignments?.Select(a => (IReadOnlyList<int>)a.BrokerIds).ToList()))
            .ToList();
        using var deadline = new RequestDeadline(context, request.TimeoutMs, time);
        var results = await deadline.RunAsync(ct => controller.CreatePartitionsAsync(specs, request.ValidateOnly, ct), "CreatePartitions");
        var response = new CreatePartitionsResponse();
        foreach (var r in results)
            response.Results.Add(new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = r.Name, ErrorCode = (short)r.ErrorCode, ErrorMessage = r.ErrorMessage });
        return response;
    }

    /// <summary>Every topic gets the error (REQUEST_TIMED_OUT when no controller answered in time).</summary>
    protected override IMessage? ErrorResponse(CreatePartitionsRequest request, ErrorCode error) => new CreatePartitionsResponse
    {
        Results = [.. request.Topics.Select(t => new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = t.Name, ErrorCode = (short)error })],
    };
}
