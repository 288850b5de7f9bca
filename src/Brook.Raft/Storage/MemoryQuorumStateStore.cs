namespace Brook.Raft.Storage;

/// <summary>An <see cref="IQuorumStateStore"/> in memory; it survives a simulated crash, as the fsynced file does.</summary>
public sealed class MemoryQuorumStateStore : IQuorumStateStore
{
    private ElectionState? _state;

    /// <summary>Number of writes, for tests (a pre-vote must not write).</summary>
    public int WriteCount { get; private set; }

    public ElectionState? Read() => _state;

    public void Write(ElectionState state)
    {
        _state = state;
        WriteCount++;
    }
}
