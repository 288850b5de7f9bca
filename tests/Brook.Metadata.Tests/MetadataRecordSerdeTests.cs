using Brook.Common.Config;
using Brook.Common;
using Brook.Metadata.Records;
using Brook.Protocol;

namespace Brook.Metadata.Tests;

public class MetadataRecordSerdeTests
{
    private static MetadataRecord RoundTrip(MetadataRecord record)
    {
        using var buffer = new PooledBufferWriter();
        MetadataRecordSerde.Write(new ProtocolWriter(buffer, flexible: true), record);
        var reader = new ProtocolReader(buffer.WrittenMemory.ToArray(), flexible: true);
        var read = MetadataRecordSerde.Read(ref reader);
        Assert.True(reader.End);
        return read;
    }

    [Fact]
    public void Scalar_records_round_trip()
    {
        var id = Uuid.NewRandom();
        MetadataRecord[] records =
        [
            new ClusterIdRecord("abc"),
            new TopicRecord("orders", id),
            new RemoveTopicRecord(id),
            new ProducerIdsRecord(3, 123_456_789_012),
            new ConfigRecord(ConfigResourceType.Topic, "orders", "retention.ms", "1000"),
            new ConfigRecord(ConfigResourceType.Broker, "", "log.retention.hours", null),
        ];
        foreach (var r in records) Assert.Equal(r, RoundTrip(r));
    }

    [Fact]
    public void Broker_registration_round_trips()
    {
        var r = new RegisterBrokerRecord(7,
            [new BrokerEndpoint("PLAINTEXT", "host-a", 9092, SecurityProtocol.Plaintext), new BrokerEndpoint("SSL", "host-b", 9093, SecurityProtocol.Ssl)],
            "rack-1");
        var read = Assert.IsType<RegisterBrokerRecord>(RoundTrip(r));
        Assert.Equal(7, read.BrokerId);
        Assert.Equal(r.Endpoints, read.Endpoints);
        Assert.Equal("rack-1", read.Rack);
        Assert.Null(Assert.IsType<RegisterBrokerRecord>(RoundTrip(r with { Rack = null })).Rack);
    }

    [Fact]
    public void Partition_record_round_trips()
    {
        var r = new PartitionRecord(Uuid.NewRandom(), 4, [1, 2, 3], [1, 3], 1, 5, 9);
        var read = Assert.IsType<PartitionRecord>(RoundTrip(r));
        Assert.Equal((r.TopicId, r.PartitionIndex, r.Leader, r.LeaderEpoch, r.PartitionEpoch),
            (read.TopicId, read.PartitionIndex, read.Leader, read.LeaderEpoch, read.PartitionEpoch));
        Assert.Equal(r.Replicas, read.Replicas);
        Assert.Equal(r.Isr, read.Isr);
    }

    [Fact]
    public void A_partition_being_reassigned_is_written_as_version_1_with_its_adding_and_removing_replicas()
    {
        var plain = new PartitionRecord(Uuid.NewRandom(), 0, [2, 3, 1], [1, 2], 1, 5, 9);
        Assert.Equal(0, plain.Version);
        var moving = plain with { AddingReplicas = [3], RemovingReplicas = [1] };
        Assert.Equal(1, moving.Version);
        Assert.Equal(BitConverter.GetBytes((short)1).Reverse(), MetadataRecordSerde.Serialize(moving).Skip(2).Take(2));

        var read = Assert.IsType<PartitionRecord>(RoundTrip(moving));
        Assert.Equal([3], read.AddingReplicas);
        Assert.Equal([1], read.RemovingReplicas);
        Assert.Equal([2, 3, 1], read.Replicas);
        var readPlain = Assert.IsType<PartitionRecord>(RoundTrip(plain));
        Assert.Empty(readPlain.AddingReplicas);
        Assert.Empty(readPlain.RemovingReplicas);
    }

    [Fact]
    public void Replica_directories_are_written_as_version_2_and_a_replica_that_left_drops_its_directory_on_replay()
    {
        var topicId = Uuid.NewRandom();
        var dir = Uuid.NewRandom();
        var r = new PartitionRecord(topicId, 0, [1, 2], [1, 2], 1, 0, 0) { Directories = [new ReplicaDirectory(2, dir)] };
        Assert.Equal(2, r.Version);
        var read = Assert.IsType<PartitionRecord>(RoundTrip(r));
        Assert.Equal([new ReplicaDirectory(2, dir)], read.Directories);
        Assert.Empty(read.AddingReplicas);

        var image = MetadataImage.Empty.Apply(new MetadataBatch(0, [new TopicRecord("t", topicId), r]));
        Assert.Equal(dir, image.TopicsById[topicId].Partitions[0].DirectoryOf(2));
        Assert.Equal(Uuid.Zero, image.TopicsById[topicId].Partitions[0].DirectoryOf(1));
        image = image.Apply(new MetadataBatch(2, [r with { Replicas = [1, 3], Isr = [1], PartitionEpoch = 1 }]));
        Assert.Empty(image.TopicsById[topicId].Partitions[0].Directories);
    }

    [Fact]
    public void Partition_record_version_3_carries_the_eligible_leader_replicas_and_the_last_known_leader()
    {
        var topicId = Uuid.NewRandom();
        var r = new PartitionRecord(topicId, 0, [1, 2, 3], [], -1, 4, 9) { EligibleLeaderReplicas = [2, 3], LastKnownElr = [3] };
        Assert.Equal(3, r.Version);
        var read = Assert.IsType<PartitionRecord>(RoundTrip(r));
        Assert.Equal([2, 3], read.EligibleLeaderReplicas);
        Assert.Equal([3], read.LastKnownElr);
        Assert.Empty(read.Isr);

        var image = MetadataImage.Empty.Apply(new MetadataBatch(0, [new TopicRecord("t", topicId), r]));
        var p = image.TopicsById[topicId].Partitions[0];
        Assert.Equal([2, 3], p.Elr.ToArray());
        Assert.Equal([3], p.LastKnownElr.ToArray());
        var again = p.ToRecord(topicId);
        Assert.Equal([2, 3], again.EligibleLeaderReplicas);
        Assert.Equal([3], again.LastKnownElr);
        Assert.Equal(0, (r with { EligibleLeaderReplicas = [], LastKnownElr = [] }).Version);
    }

    [Fact]
    public void Unknown_type_and_newer_version_are_refused()
    {
        foreach (var (type, version) in new (short, short)[] { (999, 0), ((short)MetadataRecordType.Topic, 1) })
        {
            using var buffer = new PooledBufferWriter();
            var w = new ProtocolWriter(buffer, flexible: true);
            w.WriteInt16(type);
            w.WriteInt16(version);
            var bytes = buffer.WrittenMemory.ToArray();
            Assert.Throws<InvalidDataException>(() =>
            {
                var reader = new ProtocolReader(bytes, flexible: true);
                MetadataRecordSerde.Read(ref reader);
            });
        }
    }
}
