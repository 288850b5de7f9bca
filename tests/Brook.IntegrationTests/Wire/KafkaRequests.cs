namespace Brook.IntegrationTests.Wire;

/// <summary>Hand-encoded request bodies and response decoders for the handful of (non-flexible) versions the raw tests use.</summary>
public static class KafkaRequests
{
    public const short ProduceKey = 0;
    public const short MetadataKey = 3;
    public const short ApiVersionsKey = 18;

    public const short ErrorNone = 0;
    public const short ErrorCorruptMessage = 2;
    public const short ErrorUnknownTopicOrPartition = 3;
    public const short ErrorMessageTooLarge = 10;
    public const short ErrorInvalidTopic = 17;
    public const short ErrorUnsupportedVersion = 35;

    /// <summary>Metadata v1 body: nullable array of topic names (null = all topics).</summary>
    public static byte[] MetadataV1(params string[]? topics)
    {
        var w = new WireWriter();
        if (topics is null) return w.Int32(-1).ToArray();
        w.Int32(topics.Length);
        foreach (var t in topics) w.String(t);
        return w.ToArray();
    }

    /// <summary>Produce v3 body for a single partition: null transactional id, acks, timeout, one topic, one partition.</summary>
    public static byte[] ProduceV3(string topic, int partition, byte[] recordBatch, short acks = 1, int timeoutMs = 10_000) =>
        new WireWriter()
            .String(null)       // transactional id
            .Int16(acks)
            .Int32(timeoutMs)
            .Int32(1).String(topic)
            .Int32(1).Int32(partition).Bytes(recordBatch)
            .ToArray();

    /// <summary>One partition entry of a Produce v3 response.</summary>
    public readonly record struct ProducePartitionResult(string Topic, int Partition, short ErrorCode, long BaseOffset, long LogAppendTime);

    /// <summary>
    /// Decodes a Produce v3 response body (header already consumed): [topic: name, [partition, error, base offset,
    /// log append time]] then throttle time (v1+, at the end for this version range).
    /// </summary>
    public static List<ProducePartitionResult> ReadProduceV3Response(WireReader r)
    {
        var results = new List<ProducePartitionResult>();
        var topicCount = r.Int32();
        for (var t = 0; t < topicCount; t++)
        {
            var name = r.String() ?? "";
            var partitionCount = r.Int32();
            for (var p = 0; p < partitionCount; p++)
            {
                results.Add(new ProducePartitionResult(name, r.Int32(), r.Int16(), r.Int64(), r.Int64()));
            }
        }
        _ = r.Int32(); // throttle time
        if (r.Remaining != 0) throw new InvalidDataException($"{r.Remaining} unexpected trailing bytes in Produce v3 response");
        return results;
    }

    /// <summary>One topic entry of a Metadata v1 response.</summary>
    public readonly record struct MetadataTopic(short ErrorCode, string Name, bool IsInternal, int PartitionCount);

    /// <summary>Decodes a Metadata v1 response body: brokers (with rack), controller id, topics (with is_internal).</summary>
    public static List<MetadataTopic> ReadMetadataV1Response(WireReader r)
    {
        var brokerCount = r.Int32();
        for (var b = 0; b < brokerCount; b++)
        {
            _ = r.Int32();  // node id
            _ = r.String(); // host
            _ = r.Int32();  // port
            _ = r.String(); // rack
        }
        _ = r.Int32(); // controller id
        var topics = new List<MetadataTopic>();
        var topicCount = r.Int32();
        for (var t = 0; t < topicCount; t++)
        {
            var error = r.Int16();
            var name = r.String() ?? "";
            var isInternal = r.Bool();
            var partitionCount = r.Int32();
            for (var p = 0; p < partitionCount; p++)
            {
                _ = r.Int16(); // error
                _ = r.Int32(); // index
                _ = r.Int32(); // leader
                var replicas = r.Int32();
                for (var i = 0; i < replicas; i++) _ = r.Int32();
                var isr = r.Int32();
                for (var i = 0; i < isr; i++) _ = r.Int32();
            }
            topics.Add(new MetadataTopic(error, name, isInternal, partitionCount));
        }
        return topics;
    }

    /// <summary>One api_keys entry of an ApiVersions response.</summary>
    public readonly record struct ApiRange(short ApiKey, short MinVersion, short MaxVersion);

    /// <summary>
    /// Decodes an ApiVersions v0 response body: error code, then [api key, min, max]. Version 0 has no throttle time and
    /// no tagged fields, so the body must end exactly there.
    /// </summary>
    public static (short ErrorCode, List<ApiRange> Apis) ReadApiVersionsV0Response(WireReader r)
    {
        var error = r.Int16();
        var count = r.Int32();
        if (count < 0 || count > 1000) throw new InvalidDataException($"implausible api count {count}");
        var apis = new List<ApiRange>(count);
        for (var i = 0; i < count; i++) apis.Add(new ApiRange(r.Int16(), r.Int16(), r.Int16()));
        if (r.Remaining != 0) throw new InvalidDataException($"{r.Remaining} trailing bytes after an ApiVersions v0 body");
        return (error, apis);
    }
}
