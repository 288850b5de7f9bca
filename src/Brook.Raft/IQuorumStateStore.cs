namespace Brook.Raft;

/// <summary>Durable home of the <see cref="ElectionState"/> (Kafka's quorum-state file).</summary>
public interface IQuorumStateStore
{
    /// <summary>The last state written, or null when none ever was.</summary>
    ElectionState? Read();

    /// <summary>Replaces the state; durable (fsynced) when it returns.</summary>
    void Write(ElectionState state);
}
