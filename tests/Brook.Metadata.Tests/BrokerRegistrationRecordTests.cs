using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata.Records;
using Brook.Protocol;

namespace Brook.Metadata.Tests;

/// <summary>The fencing state in the log: registration v1, the state-change record, and logs written before either.</summary>
public sealed class BrokerRegistrationRecordTests : IDisposable
{
    private static readonly BrokerEndpoint Plain = new("PLAINTEXT", "b1", 9092, SecurityProtocol.Plaintext);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A RegisterBrokerRecord as builds before fencing wrote it: version 0, no Fenced field.</summary>
    private static byte[] RegisterBrokerV0(int brokerId, BrokerEndpoint endpoint, string? rack)
    {
        using var buffer = new PooledBufferWriter();
        var w = new ProtocolWriter(buffer, flexible: true);
        w.WriteInt16((short)MetadataRecordType.RegisterBroker);
        w.WriteInt16(0);
        w.WriteInt32(brokerId);
        w.WriteArrayLength(1);
        w.WriteString(endpoint.ListenerName);
        w.WriteString(endpoint.Host);
        w.WriteInt32(endpoint.Port);
        w.WriteInt16((short)endpoint.SecurityProtocol);
        w.WriteEmptyTaggedFields();
        w.WriteNullableString(rack);
        w.WriteEmptyTaggedFields();
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void A_version_0_registration_reads_as_unfenced()
    {
        var record = Assert.IsType<RegisterBrokerRecord>(MetadataRecordSerde.Deserialize(RegisterBrokerV0(4, Plain, "r1")));
        Assert.Equal((4, "r1", false), (record.BrokerId, record.Rack, record.Fenced));
        Assert.Equal(Plain, Assert.Single(record.Endpoints));

        var image = MetadataImage.Empty.Apply(record, 0);
        Assert.Equal(BrokerStatus.Unfenced, image.Brokers[4].Status);
        Assert.True(image.Brokers[4].IsActive);
    }

    [Fact]
    public void Registrations_and_state_changes_round_trip()
    {
        var fenced = new RegisterBrokerRecord(3, [Plain], null, Fenced: true);
        Assert.Equal(2, fenced.Version);
        var read = Assert.IsType<RegisterBrokerRecord>(MetadataRecordSerde.Deserialize(MetadataRecordSerde.Serialize(fenced)));
        Assert.True(read.Fenced);
        Assert.Equal(fenced.Endpoints, read.Endpoints);

        var unregister = new UnregisterBrokerRecord(3, 17);
        Assert.Equal(unregister, MetadataRecordSerde.Deserialize(MetadataRecordSerde.Serialize(unregister)));

        foreach (var status in Enum.GetValues<BrokerStatus>())
        {
            var change = new BrokerRegistrationChangeRecord(3, 17, status);
            Assert.Equal(change, MetadataRecordSerde.Deserialize(MetadataRecordSerde.Serialize(change)));
        }
    }

    [Fact]
    public void A_state_change_applies_to_the_registration_it_names_and_nothing_else()
    {
        var image = MetadataImage.Replay([new MetadataBatch(0, [new RegisterBrokerRecord(1, [Plain], null, Fenced: true)])]);
        Assert.True(image.Brokers[1].IsFenced);

        var unfenced = image.Apply(new BrokerRegistrationChangeRecord(1, 0, BrokerStatus.Unfenced), 1);
        Assert.True(unfenced.Brokers[1].IsActive);
        var shuttingDown = unfenced.Apply(new BrokerRegistrationChangeRecord(1, 0, BrokerStatus.ControlledShutdown), 2);
        Assert.True(shuttingDown.Brokers[1].InControlledShutdown);
        Assert.False(shuttingDown.Brokers[1].IsFenced);
        Assert.Equal(0, shuttingDown.Brokers[1].Epoch);

        // A re-registration replaces the state with its own.
        var again = shuttingDown.Apply(new RegisterBrokerRecord(1, [Plain], null, Fenced: true), 3);
        Assert.Equal((3L, BrokerStatus.Fenced), (again.Brokers[1].Epoch, again.Brokers[1].Status));

        Assert.Throws<InvalidDataException>(() => again.Apply(new BrokerRegistrationChangeRecord(1, 0, BrokerStatus.Unfenced), 4));
        Assert.Throws<InvalidDataException>(() => again.Apply(new UnregisterBrokerRecord(1, 0), 4));
        Assert.Empty(again.Apply(new UnregisterBrokerRecord(1, 3), 4).Brokers);
        Assert.Throws<InvalidDataException>(() => again.Apply(new BrokerRegistrationChangeRecord(2, 3, BrokerStatus.Unfenced), 4));
    }

    [Fact]
    public void An_unknown_broker_status_is_refused()
    {
        var bytes = MetadataRecordSerde.Serialize(new BrokerRegistrationChangeRecord(1, 2, BrokerStatus.Fenced));
        bytes[^2] = 9; // the status byte, before the record's empty tagged fields
        Assert.Throws<InvalidDataException>(() => MetadataRecordSerde.Deserialize(bytes));
    }

    [Fact]
    public async Task A_log_written_before_fencing_starts_with_its_broker_usable_and_no_heartbeat_needed()
    {
        var topicId = Uuid.NewRandom();
        using (var old = new MetadataLog(_dir.Path))
        {
            // What an older build wrote, as this build reads it back: an unfenced registration and a topic it leads.
            await LocalLog.AppendAsync(old, [new ClusterIdRecord("old"), MetadataRecordSerde.Deserialize(RegisterBrokerV0(1, Plain, null))], default);
            await LocalLog.AppendAsync(old, [new TopicRecord("t", topicId), new PartitionRecord(topicId, 0, [1], [1], 1, 0, 0)], default);
        }

        using var log = new MetadataLog(_dir.Path);
        var view = new MetadataView();
        await log.StartAsync(new MetadataLoader(view), default);
        Assert.True(view.Image.Brokers[1].IsActive);
        Assert.Equal(1, view.Image.TopicsByName["t"].Partitions[0].Leader);

        // The broker restarts as it always did: same listeners, nothing written, still usable for new topics.
        var controller = new ClusterController(log, view);
        var offset = view.Image.Offset;
        Assert.Equal(1, await controller.RegisterBrokerAsync(1, [Plain], null, default));
        Assert.Equal(offset, view.Image.Offset);
        var created = Assert.Single(await controller.CreateTopicsAsync([new CreateTopicSpec("new", 1, 1)], false, default));
        Assert.Equal(ErrorCode.None, created.ErrorCode);
    }
}
