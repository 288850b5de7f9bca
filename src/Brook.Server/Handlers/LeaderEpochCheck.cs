using Brook.Common;

namespace Brook.Server.Handlers;

/// <summary>
/// KIP-320 leader-epoch fencing for requests that carry the client's view of the leader epoch (-1 = not checked):
/// an older epoch is FENCED_LEADER_EPOCH (the client must refresh metadata), a newer one UNKNOWN_LEADER_EPOCH (we lag).
/// </summary>
public static class LeaderEpochCheck
{
    public static ErrorCode Validate(int requestEpoch, int currentEpoch) =>
        requestEpoch < 0 ? ErrorCode.None
        : requestEpoch < currentEpoch ? ErrorCode.FencedLeaderEpoch
        : requestEpoch > currentEpoch ? ErrorCode.UnknownLeaderEpoch
        : ErrorCode.None;
}
