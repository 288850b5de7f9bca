using Brook.Raft.Messages;

namespace Brook.Raft;

/// <summary>A fetch the leader holds: answered when there is something new or at <see cref="DeadlineMs"/>.</summary>
internal sealed record ParkedFetch(int From, FetchRequest Request, long DeadlineMs);
