namespace Brook.Raft;

/// <summary>
/// A leader this voter stopped following because it fell silent (no successful fetch within the fetch timeout), and
/// when it was last heard from (the node's clock, ms). A new controller uses it to date that node's broker session from
/// its real last contact instead of from its own election, so a dead combined node is fenced a session timeout after it
/// died, not a session timeout after the election that followed.
/// </summary>
public sealed record SilentLeader(int LeaderId, int Epoch, long LastContactMs);
