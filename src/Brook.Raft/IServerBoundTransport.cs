namespace Brook.Raft;

/// <summary>A transport that delivers inbound messages and answers to one <see cref="RaftServer"/>, bound before it starts.</summary>
public interface IServerBoundTransport : IRaftTransport
{
    void Attach(RaftServer server);
}
