using Brook.Common;
using Brook.Coordination;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>LeaveGroup v0-5: v0-2 name one member, v3+ a batch (KIP-345, by member id or instance id).</summary>
public sealed class LeaveGroupHandler(GroupCoordinatorHost groups) : ApiHandler<LeaveGroupRequest>
{
    protected override IMessage? ErrorResponse(LeaveGroupRequest request, ErrorCode error) => new LeaveGroupResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, LeaveGroupRequest request)
    {
        if (!await groups.EnsureReadyAsync(CancellationToken.None))
            return new LeaveGroupResponse { ErrorCode = (short)ErrorCode.CoordinatorNotAvailable };
        var result = groups.Coordinator.LeaveGroup(new LeaveGroupArgs(
            request.GroupId,
            request.Members.Select(m => new LeavingMember(m.MemberId, m.GroupInstanceId, m.Reason)).ToList()));
        var response = new LeaveGroupResponse { ErrorCode = (short)result.Error };
        foreach (var m in result.Members)
            response.Members.Add(new LeaveGroupResponse.MemberResponse
            {
                MemberId = m.MemberId,
                GroupInstanceId = m.GroupInstanceId,
                ErrorCode = (short)m.Error,
            });
        // v0-2 carry a single member and only the top-level error: report that member's outcome there.
        if (context.ApiVersion < 3 && result.Error == ErrorCode.None && result.Members.Count == 1)
            response.ErrorCode = (short)result.Members[0].Error;
        return response;
    }
}
