using Brook.Common;
using Brook.Coordination;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;

namespace Brook.Server.Handlers;

/// <summary>SyncGroup v0-5: the leader hands in the assignment, every member gets its own share. v5 echoes protocol type and name.</summary>
public sealed class SyncGroupHandler(GroupCoordinatorHost groups) : ApiHandler<SyncGroupRequest>
{
    protected override IMessage? ErrorResponse(SyncGroupRequest request, ErrorCode error) => new SyncGroupResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, SyncGroupRequest request)
    {
        if (!await groups.EnsureReadyAsync(CancellationToken.None))
            return new SyncGroupResponse { ErrorCode = (short)Brook.Common.ErrorCode.CoordinatorNotAvailable };
        var result = await groups.Coordinator.SyncGroupAsync(new SyncGroupArgs
        {
            GroupId = request.GroupId,
            GenerationId = request.GenerationId,
            MemberId = request.MemberId,
            GroupInstanceId = request.GroupInstanceId,
            ProtocolType = request.ProtocolType,
            ProtocolName = request.ProtocolName,
            Assignments = request.Assignments.Select(a => new MemberAssignment(a.MemberId, a.Assignment.ToArray())).ToList(),
        });
        return new SyncGroupResponse
        {
            ErrorCode = (short)result.Error,
            ProtocolType = result.ProtocolType,
            ProtocolName = result.ProtocolName,
            Assignment = result.Assignment,
        };
    }
}
