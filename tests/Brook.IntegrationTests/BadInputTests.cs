using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Brook.IntegrationTests.Wire;
using Confluent.Kafka;

namespace Brook.IntegrationTests;

/// <summary>
/// Hostile or broken input over raw TCP (and a few client-side limits): the broker must reject it the way Kafka does
/// and keep serving everyone else. The fixture runs with socket.request.max.bytes=1 MiB and message.max.bytes=10000.
/// </summary>
[Trait("Category", "Broker")]
public sealed class BadInputTests : IClassFixture<LimitedBrokerFixture>, IDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private readonly LimitedBrokerFixture _fixture;
    private readonly BrokerLogReporter _log;

    public BadInputTests(LimitedBrokerFixture fixture, ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _fixture = fixture;
        _log = new BrokerLogReporter(fixture.Broker, output);
    }

    private BrokerProcess Broker => _fixture.Broker;

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task ApiVersionsV0WorksOnRawConnection()
    {
        // Control for the raw framing helpers: a well-formed request gets a well-formed answer.
        using var conn = await RawKafkaConnection.ConnectAsync(Broker.Port);
        var (error, apis) = KafkaRequests.ReadApiVersionsV0Response(
            await conn.RoundTripAsync(KafkaRequests.ApiVersionsKey, 0, 7, Array.Empty<byte>(), ReplyTimeout));
        Assert.Equal(KafkaRequests.ErrorNone, error);
        Assert.Contains(apis, a => a.ApiKey == KafkaRequests.ProduceKey);
        Assert.Contains(apis, a => a.ApiKey == KafkaRequests.MetadataKey);
        Assert.Contains(apis, a => a.ApiKey == KafkaRequests.ApiVersionsKey && a.MinVersion == 0);
    }

    [Fact]
    public async Task MalformedMetadataBodyDoesNotHurtOtherConnections()
    {
        using (var conn = await RawKafkaConnection.ConnectAsync(Broker.Port))
        {
            // Metadata v1: topics array claims 5 entries, then a string length of 4096 with only three bytes behind it.
            var garbage = new WireWriter().Int32(5).Int16(4096).Raw("abc"u8).ToArray();
            await conn.SendRequestAsync(KafkaRequests.MetadataKey, 1, 11, garbage);
            var outcome = await conn.WaitForCloseOrAnswerAsync(ReplyTimeout);
            Assert.NotEqual(RawKafkaConnection.Outcome.Silent, outcome); // Kafka closes; an error response is tolerated
        }
        await AssertBrokerHealthyAsync();
    }

    [Fact]
    public async Task UnknownApiKeyClosesConnection()
    {
        using var conn = await RawKafkaConnection.ConnectAsync(Broker.Port);
        await conn.SendRequestAsync(9999, 0, 12, new byte[] { 0, 0, 0, 0 });
        Assert.True(await conn.WaitForCloseAsync(ReplyTimeout), "broker kept the connection open after an unknown api key");
        await AssertBrokerHealthyAsync();
    }

    [Fact]
    public async Task UnsupportedVersionOfKnownApiClosesConnection()
    {
        using var conn = await RawKafkaConnection.ConnectAsync(Broker.Port);
        // Header v2 is what a client would use for a (hypothetical) flexible Metadata v99.
        await conn.SendRequestAsync(KafkaRequests.MetadataKey, 99, 13, new WireWriter().UnsignedVarint(1).EmptyTaggedFields().ToArray(),
            flexibleHeader: true);
        Assert.True(await conn.WaitForCloseAsync(ReplyTimeout), "broker kept the connection open after Metadata v99");
        await AssertBrokerHealthyAsync();
    }

    [Fact]
    public async Task ApiVersionsWithUnsupportedVersionAnswersInV0Format()
    {
        // KIP-511: a client newer than the broker sends its highest ApiVersions version (flexible header, compact
        // client software name/version). The broker must not parse it but answer with a v0-shaped response carrying
        // UNSUPPORTED_VERSION and at least its own ApiVersions range, so the client can retry with a version it knows.
        using var conn = await RawKafkaConnection.ConnectAsync(Broker.Port);
        var body = new WireWriter().CompactString("brook-it").CompactString("1.0").EmptyTaggedFields().ToArray();
        var reader = await conn.RoundTripAsync(KafkaRequests.ApiVersionsKey, 99, 14, body, ReplyTimeout, flexibleHeader: true);
        var (error, apis) = KafkaRequests.ReadApiVersionsV0Response(reader); // also asserts nothing follows the array
        Assert.Equal(KafkaRequests.ErrorUnsupportedVersion, error);
        var own = Assert.Single(apis, a => a.ApiKey == KafkaRequests.ApiVersionsKey);
        Assert.Equal(0, own.MinVersion);
        Assert.True(own.MaxVersion >= 3, $"ApiVersions max version {own.MaxVersion}; librdkafka and Java expect v3");

        // The connection stays usable: the client now retries with v0.
        var (retryError, _) = KafkaRequests.ReadApiVersionsV0Response(
            await conn.RoundTripAsync(KafkaRequests.ApiVersionsKey, 0, 15, Array.Empty<byte>(), ReplyTimeout));
        Assert.Equal(KafkaRequests.ErrorNone, retryError);
    }

    [Fact]
    public async Task OversizedFrameIsRejectedWithoutAffectingOthers()
    {
        using var bystander = await RawKafkaConnection.ConnectAsync(Broker.Port);
        using (var conn = await RawKafkaConnection.ConnectAsync(Broker.Port))
        {
            // Only the size prefix: 10 MiB against a 1 MiB socket.request.max.bytes. The broker must decide from the
            // prefix alone (Kafka does) instead of waiting for, or buffering, 10 MiB.
            await conn.SendRawAsync(new WireWriter().Int32(10 * 1024 * 1024).ToArray());
            Assert.True(await conn.WaitForCloseAsync(TimeSpan.FromSeconds(5)), "oversized frame did not close the connection promptly");
        }

        var (error, _) = KafkaRequests.ReadApiVersionsV0Response(
            await bystander.RoundTripAsync(KafkaRequests.ApiVersionsKey, 0, 21, Array.Empty<byte>(), ReplyTimeout));
        Assert.Equal(KafkaRequests.ErrorNone, error);
        await AssertBrokerHealthyAsync();
    }

    [Fact]
    public async Task BatchWithBadCrcIsRejectedAsCorruptMessage()
    {
        var topic = KafkaTestClient.UniqueTopic("crc");
        await KafkaTestClient.CreateTopicAsync(Broker.BootstrapServers, topic, 1);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var conn = await RawKafkaConnection.ConnectAsync(Broker.Port);

        // Control: the same hand-made batch with a correct CRC is accepted at offset 0.
        var good = TestRecordBatch.Build([("k"u8.ToArray(), "good"u8.ToArray())], ts);
        var accepted = KafkaRequests.ReadProduceV3Response(
            await conn.RoundTripAsync(KafkaRequests.ProduceKey, 3, 31, KafkaRequests.ProduceV3(topic, 0, good), ReplyTimeout));
        var ok = Assert.Single(accepted);
        Assert.Equal((topic, 0, KafkaRequests.ErrorNone, 0L), (ok.Topic, ok.Partition, ok.ErrorCode, ok.BaseOffset));

        var bad = TestRecordBatch.Build([("k"u8.ToArray(), "evil"u8.ToArray())], ts);
        bad[TestRecordBatch.CrcPosition + 3] ^= 0xFF;
        var rejected = KafkaRequests.ReadProduceV3Response(
            await conn.RoundTripAsync(KafkaRequests.ProduceKey, 3, 32, KafkaRequests.ProduceV3(topic, 0, bad), ReplyTimeout));
        var err = Assert.Single(rejected);
        Assert.Equal((topic, 0), (err.Topic, err.Partition));
        Assert.Equal(KafkaRequests.ErrorCorruptMessage, err.ErrorCode);

        // Only the good record is in the log, and the connection is still in business.
        var records = KafkaTestClient.ConsumeExactly(Broker.BootstrapServers, KafkaTestClient.Partitions(topic, 1), 1);
        Assert.Equal("good", Encoding.UTF8.GetString(Assert.Single(records).Message.Value!));
        var (error, _) = KafkaRequests.ReadApiVersionsV0Response(
            await conn.RoundTripAsync(KafkaRequests.ApiVersionsKey, 0, 33, Array.Empty<byte>(), ReplyTimeout));
        Assert.Equal(KafkaRequests.ErrorNone, error);
        await AssertBrokerHealthyAsync();
    }

    [Fact]
    public async Task RecordLargerThanMessageMaxBytesIsRejected()
    {
        var topic = KafkaTestClient.UniqueTopic("big");
        await KafkaTestClient.CreateTopicAsync(Broker.BootstrapServers, topic, 1);

        // The client limit is raised well above the broker's so the broker, not librdkafka, has to refuse.
        var config = KafkaTestClient.ProducerConfig(Broker.BootstrapServers, Acks.Leader);
        config.MessageMaxBytes = 1_000_000;
        config.CompressionType = CompressionType.None;
        using var producer = KafkaTestClient.CreateProducer(config);
        var big = new byte[2 * LimitedBrokerFixture.MessageMaxBytes];
        new Random(5).NextBytes(big);
        var ex = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(() =>
            producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = big }));
        Assert.Equal(ErrorCode.MsgSizeTooLarge, ex.Error.Code);

        // Small records on the same topic and producer still go through.
        var dr = await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = "small"u8.ToArray() });
        Assert.Equal(0, dr.Offset.Value);
        await AssertBrokerHealthyAsync();
    }

    [Fact]
    public async Task MetadataForInvalidTopicNameReturnsInvalidTopic()
    {
        using var conn = await RawKafkaConnection.ConnectAsync(Broker.Port);
        // Metadata v1 always asks for auto-creation; with auto.create.topics.enable=true Kafka validates the name
        // and reports INVALID_TOPIC_EXCEPTION for it instead of creating anything.
        var topics = KafkaRequests.ReadMetadataV1Response(
            await conn.RoundTripAsync(KafkaRequests.MetadataKey, 1, 41, KafkaRequests.MetadataV1("bad name!"), ReplyTimeout));
        var t = Assert.Single(topics);
        Assert.Equal("bad name!", t.Name);
        Assert.Equal(KafkaRequests.ErrorInvalidTopic, t.ErrorCode);
        Assert.Equal(0, t.PartitionCount);
        await AssertBrokerHealthyAsync();
    }

    [Fact]
    public async Task ProduceToInvalidTopicNameFails()
    {
        // Raw: Kafka answers a produce to a name that cannot exist with a partition-level error (UNKNOWN_TOPIC_OR_PARTITION
        // in practice; INVALID_TOPIC_EXCEPTION is accepted too).
        using (var conn = await RawKafkaConnection.ConnectAsync(Broker.Port))
        {
            var batch = TestRecordBatch.Build([(null, "x"u8.ToArray())], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            var results = KafkaRequests.ReadProduceV3Response(
                await conn.RoundTripAsync(KafkaRequests.ProduceKey, 3, 51, KafkaRequests.ProduceV3("bad name!", 0, batch), ReplyTimeout));
            var r = Assert.Single(results);
            Assert.Contains(r.ErrorCode, new[] { KafkaRequests.ErrorUnknownTopicOrPartition, KafkaRequests.ErrorInvalidTopic });
        }

        // Through librdkafka the delivery fails rather than hanging or succeeding.
        var config = KafkaTestClient.ProducerConfig(Broker.BootstrapServers, Acks.Leader);
        config.AllowAutoCreateTopics = true;
        config.MessageTimeoutMs = 10_000;
        using var producer = KafkaTestClient.CreateProducer(config);
        var ex = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(() =>
            producer.ProduceAsync("bad name!", new Message<byte[]?, byte[]?> { Value = "x"u8.ToArray() }));
        Assert.True(ex.Error.IsError);
        await AssertBrokerHealthyAsync();
    }

    private Task AssertBrokerHealthyAsync()
    {
        Assert.True(Broker.IsRunning, "broker process died:\n" + Broker.Log);
        return KafkaTestClient.AssertProduceConsumeWorksAsync(Broker.BootstrapServers);
    }
}
