using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Brook.ClientSupport;
using Confluent.Kafka;

namespace Brook.Cli.Verbs;

/// <summary>
/// <c>brook produce TOPIC</c>: records from <c>--value</c>, a file or stdin (one per line: a value, <c>key DELIM value</c>
/// with <c>--key-delimiter</c>, or a JSON object with <c>--format json</c>), like kcat -P.
/// </summary>
public static class ProduceVerb
{
    /// <summary>The <c>produce</c> verb.</summary>
    public static Command Build(GlobalOptions global)
    {
        var topic = new Argument<string>("topic") { Description = "Topic to write to" };
        var values = new Option<string[]>("--value") { Description = "A record value to send instead of reading lines; repeatable" };
        var key = new Option<string?>("--key", "-k") { Description = "Key for every record (text lines and --value)" };
        var keyDelimiter = new Option<string?>("--key-delimiter", "-K") { Description = "Split each text line at the first DELIM into key and value" };
        var headers = new Option<string[]>("--header", "-H") { Description = "A header key=value added to every record; repeatable" };
        var partition = new Option<int?>("--partition", "-p") { Description = "Partition to write to (default: by key, or sticky)" };
        var format = new Option<string>("--format", "-f") { Description = "Input lines: text, or json ({\"key\",\"value\",\"headers\",\"partition\",\"timestamp\"} per line)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var encoding = new Option<RecordEncoding>("--encoding", "-e") { Description = "How keys and values are written: Text, Hex or Base64", DefaultValueFactory = _ => RecordEncoding.Text };
        var file = new Option<FileInfo?>("--file") { Description = "Read lines from this file instead of stdin" };
        var acks = new Option<string>("--acks") { Description = "all, 1 or 0", DefaultValueFactory = _ => "all" };
        acks.AcceptOnlyFromAmong("all", "-1", "1", "0");
        var compression = new Option<CompressionType>("--compression") { Description = "None, Gzip, Snappy, Lz4 or Zstd", DefaultValueFactory = _ => CompressionType.None };
        var command = new Command("produce", "Write records to a topic (from --value, a file or stdin)")
        {
            topic, values, key, keyDelimiter, headers, partition, format, encoding, file, acks, compression,
        };
        global.Handle(command, async (result, cli, cancellationToken) =>
        {
            var target = result.GetRequiredValue(topic);
            var enc = result.GetValue(encoding);
            var common = new RecordDefaults(
                RecordCodec.Read(result.GetValue(key), enc, "--key"),
                KeyValue.ParseAll(result.GetValue(headers), "--header").Select(h => (h.Key, RecordCodec.Read(h.Value, enc, "--header"))).ToList(),
                result.GetValue(partition), result.GetValue(keyDelimiter), result.GetValue(format) == "json", enc);
            if (common.Partition is < 0) throw CliException.Usage("--partition must not be negative");
            if (common.KeyDelimiter is { Length: 0 }) throw CliException.Usage("--key-delimiter must not be empty");

            IEnumerable<string> lines;
            var given = result.GetValue(values) ?? [];
            if (given.Length > 0) lines = given;
            else if (result.GetValue(file) is { } path) lines = File.Exists(path.FullName) ? File.ReadLines(path.FullName) : throw CliException.Usage($"--file {path.FullName} does not exist");
            else lines = ReadLines(Console.In);
            var literal = given.Length > 0;

            using var producer = cli.Producer(c =>
            {
                c.Acks = result.GetValue(acks) switch { "0" => Acks.None, "1" => Acks.Leader, _ => Acks.All };
                c.CompressionType = result.GetValue(compression);
                c.LingerMs = 5;
            });
            var tally = new DeliveryTally();
            var number = 0;
            foreach (var line in lines)
            {
                cancellationToken.ThrowIfCancellationRequested();
                number++;
                if (!literal && line.Length == 0) continue;
                var (message, recordPartition) = Parse(line, literal, common, number);
                var destination = new TopicPartition(target, recordPartition is { } p ? new Partition(p) : Partition.Any);
                ProducerQueue.ProduceWhenQueued(producer, destination, message, tally.Record);
            }
            var deadline = DateTime.UtcNow + cli.Timeout + TimeSpan.FromSeconds(30);
            while (producer.Flush(TimeSpan.FromMilliseconds(200)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (DateTime.UtcNow > deadline) throw new CliException($"records still unacknowledged after {(cli.Timeout + TimeSpan.FromSeconds(30)).TotalSeconds:F0} s; is {cli.Bootstrap} reachable?", ExitCodes.Unreachable);
            }
            tally.Report(cli.Output, target);
            return tally.Failed > 0 ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What every record of one invocation shares.</summary>
    private sealed record RecordDefaults(byte[]? Key, IReadOnlyList<(string Key, byte[]? Value)> Headers, int? Partition, string? KeyDelimiter, bool Json, RecordEncoding Encoding);

    private static IEnumerable<string> ReadLines(TextReader reader)
    {
        while (reader.ReadLine() is { } line) yield return line;
    }

    private static (Message<byte[]?, byte[]?> Message, int? Partition) Parse(string line, bool literal, RecordDefaults defaults, int number)
    {
        var message = new Message<byte[]?, byte[]?> { Key = defaults.Key, Headers = [] };
        foreach (var (key, value) in defaults.Headers) message.Headers.Add(key, value);
        var partition = defaults.Partition;
        if (!literal && defaults.Json)
        {
            JsonObject record;
            try
            {
                record = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException e)
            {
                throw CliException.Usage($"line {number} is not a JSON object: {e.Message}");
            }
            if (record["key"] is { } k) message.Key = RecordCodec.Read(k.ToString(), defaults.Encoding, $"line {number}'s key");
            message.Value = record["value"] is { } v ? RecordCodec.Read(v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString(), defaults.Encoding, $"line {number}'s value") : null;
            if (record["partition"] is { } p) partition = p.GetValue<int>();
            if (record["timestamp"] is { } t) message.Timestamp = new Timestamp(t.GetValue<long>(), TimestampType.CreateTime);
            switch (record["headers"])
            {
                case JsonObject map:
                    foreach (var (name, value) in map) message.Headers.Add(name, RecordCodec.Read(value?.ToString(), defaults.Encoding, $"line {number}'s header {name}"));
                    break;
                case JsonArray list:
                    foreach (var item in list.OfType<JsonObject>())
                        message.Headers.Add(item["key"]?.ToString() ?? "", RecordCodec.Read(item["value"]?.ToString(), defaults.Encoding, $"line {number}'s header"));
                    break;
            }
            return (message, partition);
        }
        var text = line;
        if (!literal && defaults.KeyDelimiter is { } delimiter)
        {
            var at = line.IndexOf(delimiter, StringComparison.Ordinal);
            if (at < 0) throw CliException.Usage($"line {number} has no key delimiter '{delimiter}'");
            message.Key = RecordCodec.Read(line[..at], defaults.Encoding, $"line {number}'s key");
            text = line[(at + delimiter.Length)..];
        }
        message.Value = RecordCodec.Read(text, defaults.Encoding, $"line {number}'s value");
        return (message, partition);
    }

    /// <summary>Counts deliveries per partition (first and last offset) from librdkafka's delivery reports.</summary>
    private sealed class DeliveryTally
    {
        private readonly SortedDictionary<int, (long First, long Last, long Count)> _partitions = [];
        private readonly Lock _lock = new();
        private string? _firstError;

        public long Delivered { get; private set; }

        public long Failed { get; private set; }

        public void Record(DeliveryReport<byte[]?, byte[]?> report)
        {
            lock (_lock)
            {
                if (report.Error.IsError)
                {
                    Failed++;
                    _firstError ??= $"{report.Error.Reason} ({report.Error.Code})";
                    return;
                }
                Delivered++;
                var offset = report.Offset.Value;
                _partitions[report.Partition.Value] = _partitions.TryGetValue(report.Partition.Value, out var seen)
                    ? (Math.Min(seen.First, offset), Math.Max(seen.Last, offset), seen.Count + 1)
                    : (offset, offset, 1);
            }
        }

        public void Report(CliOutput output, string topic)
        {
            if (output.Json)
            {
                output.Document(new JsonObject
                {
                    ["topic"] = topic,
                    ["produced"] = Delivered,
                    ["failed"] = Failed,
                    ["error"] = _firstError,
                    ["partitions"] = new JsonArray(_partitions.Select(p => (JsonNode)new JsonObject
                    {
                        ["partition"] = p.Key, ["records"] = p.Value.Count, ["first_offset"] = p.Value.First, ["last_offset"] = p.Value.Last,
                    }).ToArray()),
                });
            }
            else
            {
                var where = string.Join(", ", _partitions.Select(p => string.Create(CultureInfo.InvariantCulture, $"partition {p.Key} offsets {p.Value.First}-{p.Value.Last}")));
                output.Line($"Produced {Delivered} record{(Delivered == 1 ? "" : "s")} to {topic}{(where.Length > 0 ? $" ({where})" : "")}.");
            }
            if (Failed > 0) output.Error.WriteLine($"brook: {Failed} record{(Failed == 1 ? "" : "s")} failed: {_firstError}");
        }
    }
}
