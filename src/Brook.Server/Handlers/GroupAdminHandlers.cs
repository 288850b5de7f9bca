using Brook.Common;
using Brook.Common.Security;
using Brook.Coordination;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Server.Api;
using Brook.Server.Internal;
using Brook.Server.Security;

namespace Brook.Server.Handlers;

/// <summary>ListGroups v0-5: v4 filters by state (KIP-518), v5 by group type (KIP-848).</summary>
public sealed class ListGroupsHandler(GroupCoordinatorHost groups) : ApiHandler<ListGroupsRequest>
{
    protected override IMessage? ErrorResponse(ListGroupsRequest request, ErrorCode error) => new ListGroupsResponse { ErrorCode = (short)error };

    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, ListGroupsRequest request)
    {
        if (!await groups.EnsureReadyAsync(CancellationToken.None))
            return new ListGroupsResponse { ErrorCode = (short)ErrorCode.CoordinatorNotAvailable };
        var result = groups.Coordinator.ListGroups(
            request.StatesFilter.Count == 0 ? null : request.StatesFilter,
            request.TypesFilter.Count == 0 ? null : request.TypesFilter);
        var response = new ListGroupsResponse { ErrorCode = (short)result.Error };
        foreach (var g in result.Groups)
            response.Groups.Add(new ListGroupsResponse.ListedGroup
            {
                GroupId = g.GroupId,
                ProtocolType = g.ProtocolType,
                GroupState = GroupStates.Name(g.State),
                GroupType = g.GroupType,
            });
        return response;
    }
}

/// <summary>DescribeGroups v0-6. Before v6 an unknown group is described as state Dead with no error, as Kafka does.</summary>
public sealed class DescribeGroupsHandler(GroupCoordinatorHost groups) : ApiHandler<DescribeGroupsRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, DescribeGroupsRequest request)
    {
        var ready = await groups.EnsureReadyAsync(CancellationToken.None);
        var response = new DescribeGroupsResponse();
        var described = ready ? groups.Coordinator.DescribeGroups(request.Groups) : [];
        for (var i = 0; i < request.Groups.Count; i++)
        {
            if (!ready)
            {
                response.Groups.Add(new DescribeGroupsResponse.DescribedGroup { GroupId = request.Groups[i], ErrorCode = (short)ErrorCode.CoordinatorNotAvailable });
                continue;
            }
            var g = described[i];
            var error = g.Error == ErrorCode.GroupIdNotFound && context.ApiVersion < 6 ? ErrorCode.None : g.Error;
            var group = new DescribeGroupsResponse.DescribedGroup
            {
                ErrorCode = (short)error,
                GroupId = g.GroupId,
                GroupState = GroupStates.Name(g.State),
                ProtocolType = g.ProtocolType,
                ProtocolData = g.ProtocolName,
            };
            if (request.IncludeAuthorizedOperations)
                group.AuthorizedOperations = AuthorizedOperations.For(context, AclResourceType.Group, g.GroupId);
            foreach (var m in g.Members)
                group.Members.Add(new DescribeGroupsResponse.DescribedGroupMember
                {
                    MemberId = m.MemberId,
                    GroupInstanceId = m.GroupInstanceId,
                    ClientId = m.ClientId,
                    ClientHost = m.ClientHost,
                    MemberMetadata = m.Metadata,
                    MemberAssignment = m.Assignment,
                });
            response.Groups.Add(group);
        }
        return response;
    }
}

/// <summary>DeleteGroups v0-2: only empty groups can go (NON_EMPTY_GROUP otherwise); their offsets go with them.</summary>
public sealed class DeleteGroupsHandler(GroupCoordinatorHost groups) : ApiHandler<DeleteGroupsRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, DeleteGroupsRequest request)
    {
        var response = new DeleteGroupsResponse();
        IReadOnlyList<DeletedGroup> results = await groups.EnsureReadyAsync(CancellationToken.None)
            ? await groups.Coordinator.DeleteGroupsAsync(request.GroupsNames)
            : request.GroupsNames.Select(g => new DeletedGroup(g, ErrorCode.CoordinatorNotAvailable)).ToList();
        foreach (var r in results)
            response.Results.Add(new DeleteGroupsResponse.DeletableGroupResult { GroupId = r.GroupId, ErrorCode = (short)r.Error });
        return response;
    }
}

/// <summary>OffsetDelete v0: drops committed offsets of partitions the group no longer consumes (GROUP_SUBSCRIBED_TO_TOPIC otherwise).</summary>
public sealed class OffsetDeleteHandler(GroupCoordinatorHost groups) : ApiHandler<OffsetDeleteRequest>
{
    protected override async ValueTask<IMessage?> HandleAsync(RequestContext context, OffsetDeleteRequest request)
    {
        if (!await groups.EnsureReadyAsync(CancellationToken.None))
            return new OffsetDeleteResponse { ErrorCode = (short)ErrorCode.CoordinatorNotAvailable };
        var partitions = request.Topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Name, p.PartitionIndex))).ToList();
        var result = await groups.Coordinator.DeleteOffsetsAsync(request.GroupId, partitions);
        var response = new OffsetDeleteResponse { ErrorCode = (short)result.Error };
        foreach (var byTopic in result.Partitions.GroupBy(p => p.Topic))
        {
            var topic = new OffsetDeleteResponse.OffsetDeleteResponseTopic { Name = byTopic.Key };
            foreach (var p in byTopic)
                topic.Partitions.Add(new OffsetDeleteResponse.OffsetDeleteResponsePartition { PartitionIndex = p.Partition, ErrorCode = (short)p.Error });
            response.Topics.Add(topic);
        }
        return response;
    }
}
