namespace Brook.Coordination;

/// <summary>A Heartbeat request; the answer is just an error code.</summary>
public sealed record HeartbeatArgs(string GroupId, int GenerationId, string MemberId, string? GroupInstanceId = null);
