using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Brook.WebConsole.Api;

/// <summary>
/// The message browser (<c>GET /api/topics/{name}/messages</c>: one partition or all, from the earliest or latest records,
/// an offset or a timestamp) and produce (<c>POST</c>). Keys, values and headers travel as base64 with a text form when
/// they are valid UTF-8, so the page can show text, pretty JSON or hex without guessing at bytes.
/// </summary>
public static class MessagesApi
{
    /// <summary>At most this many records per request.</summary>
    public const int MaxLimit = 500;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly TimeSpan BrowseDeadline = TimeSpan.FromSeconds(5);

    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder routes, ConsoleKafka kafka)
    {
        routes.MapGet("/api/topics/{name}/messages", (string name, int? partition, string? seek, long? offset, long? timestamp, int? limit) =>
            ApiResults.RunAsync(() => Task.Run(() => ApiResults.Ok(Browse(kafka, name, partition ?? -1, seek ?? "latest", offset, timestamp,
                Math.Clamp(limit ?? 50, 1, MaxLimit))))));

        routes.MapPost("/api/topics/{name}/messages", (string name, HttpRequest request) => ApiResults.RunAsync(async () =>
        {
            var body = await ApiResults.ReadAsync(request, ConsoleJsonContext.Default.ProduceRecordBody);
            var message = new Message<byte[]?, byte[]?>
            {
                Key = body.Key is null ? null : Encoding.UTF8.GetBytes(body.Key),
                Value = body.Value is null ? null : Encoding.UTF8.GetBytes(body.Value),
                Headers = [],
            };
            foreach (var header in body.Headers ?? [])
            {
                if (string.IsNullOrEmpty(header.Key)) throw new BadRequestException("a header needs a key");
                message.Headers.Add(header.Key, header.Value is null ? null : Encoding.UTF8.GetBytes(header.Value));
            }
            var report = body.Partition is { } p and >= 0
                ? await kafka.Producer.ProduceAsync(new TopicPartition(name, p), message)
                : await kafka.Producer.ProduceAsync(name, message);
            return ApiResults.Ok(new JsonObject
            {
                ["topic"] = name,
                ["partition"] = report.Partition.Value,
                ["offset"] = report.Offset.Value,
                ["timestamp"] = report.Timestamp.UnixTimestampMs,
            });
        }));
    }

    private static JsonObject Browse(ConsoleKafka kafka, string topic, int partition, string seek, long? offset, long? timestamp, int limit)
    {
        var metadata = kafka.Admin.GetMetadata(topic, ConsoleKafka.Timeout).Topics.Single();
        if (metadata.Error.IsError) throw new KafkaException(metadata.Error);
        var partitions = metadata.Partitions.Select(p => p.PartitionId).Where(p => partition < 0 || p == partition).Order().ToList();
        if (partitions.Count == 0) throw new BadRequestException($"topic {topic} has no partition {partition}");

        using var consumer = kafka.CreateBrowser();
        var marks = partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), ConsoleKafka.Timeout));
        var starts = StartOffsets(consumer, topic, marks, seek, offset, timestamp, limit);
        var pending = starts.Where(s => s.Value < marks[s.Key].High).Select(s => s.Key).ToHashSet();
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        if (pending.Count > 0)
        {
            consumer.Assign(pending.Select(p => new TopicPartitionOffset(topic, p, starts[p])));
            var taken = pending.ToDictionary(p => p, _ => 0);
            var clock = Stopwatch.StartNew();
            while (pending.Count > 0 && clock.Elapsed < BrowseDeadline)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null) continue;
                var p = result.Partition.Value;
                if (result.IsPartitionEOF || result.Offset.Value + 1 >= marks[p].High.Value || ++taken[p] >= limit) pending.Remove(p);
                if (!result.IsPartitionEOF) records.Add(result);
            }
        }

        // Latest: the newest `limit` records over all partitions; otherwise the first `limit` from the start points.
        var ordered = records.OrderBy(r => r.Message.Timestamp.UnixTimestampMs).ThenBy(r => r.Partition.Value).ThenBy(r => r.Offset.Value).ToList();
        var shown = seek == "latest" ? ordered.Skip(Math.Max(0, ordered.Count - limit)) : ordered.Take(limit);
        return new JsonObject
        {
            ["topic"] = topic,
            ["partitions"] = ApiResults.ArrayOf(marks, m => new JsonObject
            {
                ["partition"] = m.Key,
                ["log_start_offset"] = m.Value.Low.Value,
                ["high_watermark"] = m.Value.High.Value,
            }),
            ["records"] = ApiResults.ArrayOf(shown, r => new JsonObject
            {
                ["partition"] = r.Partition.Value,
                ["offset"] = r.Offset.Value,
                ["timestamp"] = r.Message.Timestamp.UnixTimestampMs,
                ["timestamp_type"] = r.Message.Timestamp.Type.ToString(),
                ["key"] = Bytes(r.Message.Key),
                ["value"] = Bytes(r.Message.Value),
                ["headers"] = ApiResults.ArrayOf(r.Message.Headers ?? [], h => new JsonObject { ["key"] = h.Key, ["value"] = Bytes(h.GetValueBytes()) }),
            }),
        };
    }

    private static Dictionary<int, long> StartOffsets(IConsumer<byte[]?, byte[]?> consumer, string topic, Dictionary<int, WatermarkOffsets> marks,
        string seek, long? offset, long? timestamp, int limit)
    {
        switch (seek)
        {
            case "earliest":
                return marks.ToDictionary(m => m.Key, m => m.Value.Low.Value);
            case "latest":
                return marks.ToDictionary(m => m.Key, m => Math.Max(m.Value.Low.Value, m.Value.High.Value - limit));
            case "offset":
                if (offset is not { } o) throw new BadRequestException("seek=offset needs offset=N");
                return marks.ToDictionary(m => m.Key, m => Math.Clamp(o, m.Value.Low.Value, m.Value.High.Value));
            case "timestamp":
                if (timestamp is not { } t) throw new BadRequestException("seek=timestamp needs timestamp=UNIX_MS");
                var found = consumer.OffsetsForTimes(marks.Keys.Select(p => new TopicPartitionTimestamp(topic, p, new Timestamp(t, TimestampType.CreateTime))),
                    ConsoleKafka.Timeout);
                // No record at or after the time: start at the end (nothing to show in that partition).
                return found.ToDictionary(f => f.Partition.Value, f => f.Offset.Value >= 0 ? f.Offset.Value : marks[f.Partition.Value].High.Value);
            default:
                throw new BadRequestException($"seek must be earliest, latest, offset or timestamp, not '{seek}'");
        }
    }

    private static JsonObject? Bytes(byte[]? bytes)
    {
        if (bytes is null) return null;
        string? text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = null;
        }
        return new JsonObject { ["base64"] = Convert.ToBase64String(bytes), ["text"] = text, ["size"] = bytes.Length };
    }
}
