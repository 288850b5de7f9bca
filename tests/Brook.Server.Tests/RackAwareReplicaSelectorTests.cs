using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Replication;
using Brook.Server.Handlers;

namespace Brook.Server.Tests;

/// <summary>KIP-392's rack-aware selection: the leader in the client's rack, else an in-sync active replica there, else the leader.</summary>
public sealed class RackAwareReplicaSelectorTests
{
    private static MetadataImage Image(params (int Id, string Rack, bool Fenced)[] brokers)
    {
        var records = new List<MetadataRecord> { new ClusterIdRecord("c") };
        foreach (var (id, rack, fenced) in brokers)
        {
            records.Add(new RegisterBrokerRecord(id, [new BrokerEndpoint("PLAINTEXT", $"b{id}", 9092, SecurityProtocol.Plaintext)], rack, Fenced: true));
            if (!fenced) records.Add(new BrokerRegistrationChangeRecord(id, records.Count - 1, BrokerStatus.Unfenced));
        }
        return MetadataImage.Replay([new MetadataBatch(0, [.. records])]);
    }

    private static PartitionState State(int leader, int[] replicas, int[] isr) => new(leader, 3, 4, [.. replicas], [.. isr]);

    [Fact]
    public void A_replica_in_the_clients_rack_is_preferred_only_when_in_sync_and_active()
    {
        var image = Image((1, "r1", false), (2, "r2", false), (3, "r2", false), (4, "r3", true));

        Assert.Equal(2, RackAwareReplicaSelector.Select(image, State(1, [1, 2, 3], [1, 2, 3]), "r2"));
        Assert.Equal(3, RackAwareReplicaSelector.Select(image, State(1, [1, 2, 3], [1, 3]), "r2"));   // 2 is out of the ISR
        Assert.Equal(-1, RackAwareReplicaSelector.Select(image, State(1, [1, 2, 3], [1]), "r2"));     // none in sync there
        Assert.Equal(-1, RackAwareReplicaSelector.Select(image, State(1, [1, 4], [1, 4]), "r3"));     // 4 is fenced
        Assert.Equal(-1, RackAwareReplicaSelector.Select(image, State(2, [2, 3], [2, 3]), "r2"));     // the leader is there
        Assert.Equal(-1, RackAwareReplicaSelector.Select(image, State(1, [1, 2], [1, 2]), ""));       // no client.rack
    }
}
