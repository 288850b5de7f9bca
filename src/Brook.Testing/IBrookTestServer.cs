namespace Brook.Testing;

/// <summary>A running test broker or cluster as Kafka clients see it: where to bootstrap. The helpers extend this.</summary>
public interface IBrookTestServer
{
    /// <summary>"host:port[,host:port...]" of the running brokers, ready for a client's bootstrap.servers.</summary>
    string BootstrapServers { get; }
}
