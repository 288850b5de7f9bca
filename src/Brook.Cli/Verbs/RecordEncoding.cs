using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;

namespace Brook.Cli.Verbs;

/// <summary>How record keys and values are shown and read: UTF-8 text, hex or base64 (kcat prints raw bytes; a terminal wants text).</summary>
public enum RecordEncoding
{
    /// <summary>UTF-8 text (invalid bytes become U+FFFD when shown).</summary>
    Text,

    /// <summary>Lower-case hex digits.</summary>
    Hex,

    /// <summary>Standard base64.</summary>
    Base64,
}

/// <summary>Conversions between record bytes and the strings produce reads and consume prints.</summary>
public static class RecordCodec
{
    /// <summary>Bytes as <paramref name="encoding"/> says; null stays null.</summary>
    public static string? Show(byte[]? bytes, RecordEncoding encoding) => bytes is null ? null : encoding switch
    {
        RecordEncoding.Hex => Convert.ToHexStringLower(bytes),
        RecordEncoding.Base64 => Convert.ToBase64String(bytes),
        _ => Encoding.UTF8.GetString(bytes),
    };

    /// <summary>The bytes a string in <paramref name="encoding"/> stands for; malformed hex or base64 is a usage error.</summary>
    public static byte[]? Read(string? text, RecordEncoding encoding, string what)
    {
        if (text is null) return null;
        try
        {
            return encoding switch
            {
                RecordEncoding.Hex => Convert.FromHexString(text),
                RecordEncoding.Base64 => Convert.FromBase64String(text),
                _ => Encoding.UTF8.GetBytes(text),
            };
        }
        catch (FormatException)
        {
            throw CliException.Usage($"{what} is not valid {encoding.ToString().ToLowerInvariant()}: '{Abbreviated(text)}'");
        }
    }

    /// <summary>One consumed record as a JSON object (topic, partition, offset, timestamp, key, value, headers).</summary>
    public static JsonObject ToJson(ConsumeResult<byte[]?, byte[]?> record, RecordEncoding encoding)
    {
        var headers = new JsonArray();
        foreach (var header in record.Message.Headers ?? [])
            headers.Add((JsonNode)new JsonObject { ["key"] = header.Key, ["value"] = Show(header.GetValueBytes(), encoding) });
        return new JsonObject
        {
            ["topic"] = record.Topic,
            ["partition"] = record.Partition.Value,
            ["offset"] = record.Offset.Value,
            ["timestamp"] = record.Message.Timestamp.UnixTimestampMs,
            ["timestamp_type"] = record.Message.Timestamp.Type switch
            {
                TimestampType.CreateTime => "CreateTime",
                TimestampType.LogAppendTime => "LogAppendTime",
                _ => null,
            },
            ["key"] = Show(record.Message.Key, encoding),
            ["value"] = Show(record.Message.Value, encoding),
            ["headers"] = headers,
        };
    }

    private static string Abbreviated(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
