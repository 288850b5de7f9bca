namespace Brook.Coordination.Records;

/// <summary>One member as stored in a GroupMetadataValue: identity, timeouts, and its subscription and assignment bytes.</summary>
public sealed record GroupMemberMetadata(
    string MemberId,
    string? GroupInstanceId,
    string ClientId,
    string ClientHost,
    int RebalanceTimeoutMs,
    int SessionTimeoutMs,
    byte[] Subscription,
    byte[] Assignment);
