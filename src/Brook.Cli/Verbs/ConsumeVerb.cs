using System.CommandLine;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Cli.Verbs;

/// <summary>
/// <c>brook consume TOPIC</c>: prints records (values, or key/value, or one JSON object each) from an offset or a time,
/// optionally as a group member, until <c>--count</c> records or (<c>--exit</c>) the end of every partition; like kcat -C.
/// </summary>
public static class ConsumeVerb
{
    /// <summary>The <c>consume</c> verb.</summary>
    public static Command Build(GlobalOptions global)
    {
        var topic = new Argument<string>("topic") { Description = "Topic to read" };
        var from = new Option<string>("--from", "-o")
        {
            Description = "Where to start: earliest, latest, an offset N, -N (N before the end), @TIME (ISO 8601 or epoch ms); with --group: where to start without a committed offset",
            DefaultValueFactory = _ => "earliest",
        };
        var count = new Option<long?>("--count", "-c") { Description = "Stop after this many records" };
        var exitAtEnd = new Option<bool>("--exit", "-E") { Description = "Stop at the end of every partition (kcat -e)" };
        var partitions = new Option<int[]>("--partition", "-p") { Description = "Only these partitions (default: all); repeatable" };
        var group = new Option<string?>("--group", "-g") { Description = "Consume as a member of this group and commit its offsets" };
        var format = new Option<string>("--format", "-f") { Description = "text (value per line) or json (one object per record)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var printKey = new Option<bool>("--print-key") { Description = "text: print the key, the key delimiter, then the value" };
        var keyDelimiter = new Option<string>("--key-delimiter", "-K") { Description = "text: what separates key and value", DefaultValueFactory = _ => "\t" };
        var encoding = new Option<RecordEncoding>("--encoding", "-e") { Description = "How keys and values are printed: Text, Hex or Base64", DefaultValueFactory = _ => RecordEncoding.Text };
        var isolation = new Option<string>("--isolation") { Description = "read_committed or read_uncommitted", DefaultValueFactory = _ => "read_committed" };
        isolation.AcceptOnlyFromAmong("read_committed", "read_uncommitted");
        var command = new Command("consume", "Read records from a topic")
        {
            topic, from, count, exitAtEnd, partitions, group, format, printKey, keyDelimiter, encoding, isolation,
        };
        global.Handle(command, async (result, cli, cancellationToken) =>
        {
            var name = result.GetRequiredValue(topic);
            var limit = result.GetValue(count);
            if (limit is < 1) throw CliException.Usage("--count must be at least 1");
            var start = StartPosition.Parse(result.GetValue(from)!);
            var groupId = result.GetValue(group);
            var json = result.GetValue(format) == "json";
            var enc = result.GetValue(encoding);
            var withKey = result.GetValue(printKey);
            var delimiter = result.GetValue(keyDelimiter)!;
            var exit = result.GetValue(exitAtEnd);
            if (groupId is not null && start is not (StartPosition.Earliest or StartPosition.Latest))
                throw CliException.Usage("with --group, --from is the reset policy: earliest or latest");

            using var consumer = cli.Consumer(groupId, c =>
            {
                c.EnablePartitionEof = true;
                c.AutoOffsetReset = start is StartPosition.Latest ? AutoOffsetReset.Latest : AutoOffsetReset.Earliest;
                c.IsolationLevel = result.GetValue(isolation) == "read_uncommitted" ? IsolationLevel.ReadUncommitted : IsolationLevel.ReadCommitted;
            });
            var assigned = await AssignAsync(consumer, cli, name, result.GetValue(partitions) ?? [], groupId, start);

            var atEnd = new HashSet<int>();
            long printed = 0;
            var idleSince = DateTime.UtcNow;
            while (!cancellationToken.IsCancellationRequested && (limit is null || printed < limit))
            {
                var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (record is null)
                {
                    // A group member learns its partitions from the group; until then nothing is at its end.
                    if (exit && assigned is null && consumer.Assignment.Count == 0 && DateTime.UtcNow - idleSince > cli.Timeout)
                        throw new CliException($"no partitions of {name} were assigned to this member of group {groupId} within {cli.Timeout.TotalSeconds:F0} s");
                    continue;
                }
                if (record.IsPartitionEOF)
                {
                    atEnd.Add(record.Partition.Value);
                    var expected = assigned ?? consumer.Assignment.Select(p => p.Partition.Value).ToHashSet();
                    if (exit && expected.Count > 0 && expected.IsSubsetOf(atEnd)) break;
                    continue;
                }
                atEnd.Remove(record.Partition.Value);
                printed++;
                if (json) cli.Output.JsonLine(RecordCodec.ToJson(record, enc));
                else if (withKey) cli.Output.Line($"{RecordCodec.Show(record.Message.Key, enc)}{delimiter}{RecordCodec.Show(record.Message.Value, enc)}");
                else cli.Output.Line(RecordCodec.Show(record.Message.Value, enc) ?? "");
            }
            if (groupId is not null) consumer.Close();
            cli.Output.Error.WriteLine($"brook: consumed {printed} record{(printed == 1 ? "" : "s")} from {name}");
            return cancellationToken.IsCancellationRequested ? 130 : ExitCodes.Ok;
        });
        return command;
    }

    // Without a group: assign the partitions at the computed start offsets and return their numbers. With one: subscribe
    // (the group picks partitions and starting offsets) and return null.
    private static async Task<HashSet<int>?> AssignAsync(IConsumer<byte[]?, byte[]?> consumer, CliContext cli, string topic, int[] only, string? groupId, StartPosition start)
    {
        if (groupId is not null)
        {
            if (only.Length > 0) throw CliException.Usage("--partition and --group exclude each other: the group assigns partitions");
            consumer.Subscribe(topic);
            return null;
        }
        using var admin = cli.Admin();
        var metadata = admin.GetMetadata(topic, cli.Timeout).Topics.Single();
        if (metadata.Error.IsError) throw new CliException($"topic {topic}: {metadata.Error.Reason} ({metadata.Error.Code})");
        var numbers = metadata.Partitions.Select(p => p.PartitionId).Order().ToList();
        foreach (var p in only)
            if (!numbers.Contains(p)) throw new CliException($"topic {topic} has no partition {p} (it has {numbers.Count})");
        var chosen = (only.Length > 0 ? only.Distinct().Order().ToList() : numbers).Select(p => new TopicPartition(topic, p)).ToList();
        var offsets = await StartOffsetsAsync(admin, cli, chosen, start);
        consumer.Assign(chosen.Select(p => new TopicPartitionOffset(p, offsets[p])));
        return chosen.Select(p => p.Partition.Value).ToHashSet();
    }

    private static async Task<Dictionary<TopicPartition, Offset>> StartOffsetsAsync(IAdminClient admin, CliContext cli, List<TopicPartition> partitions, StartPosition start)
    {
        switch (start)
        {
            case StartPosition.Earliest: return partitions.ToDictionary(p => p, _ => Offset.Beginning);
            case StartPosition.Latest: return partitions.ToDictionary(p => p, _ => Offset.End);
            case StartPosition.At at: return partitions.ToDictionary(p => p, _ => new Offset(at.Offset));
            case StartPosition.BeforeEnd back:
                var bounds = await DescribedTopic.OffsetsAsync(admin, cli.Timeout, partitions);
                return partitions.ToDictionary(p => p, p => new Offset(Math.Max(bounds[p].Start, bounds[p].End - back.Records)));
            case StartPosition.AtTime time:
                var found = await DescribedTopic.ListAsync(admin, cli.Timeout, partitions, OffsetSpec.ForTimestamp(time.Time.ToUnixTimeMilliseconds()));
                return partitions.ToDictionary(p => p, p => found.TryGetValue(p, out var o) && o >= 0 ? new Offset(o) : Offset.End);
            default: throw new ArgumentOutOfRangeException(nameof(start));
        }
    }

    /// <summary>A <c>--from</c> value.</summary>
    internal abstract record StartPosition
    {
        internal sealed record Earliest : StartPosition;

        internal sealed record Latest : StartPosition;

        internal sealed record At(long Offset) : StartPosition;

        internal sealed record BeforeEnd(long Records) : StartPosition;

        internal sealed record AtTime(DateTimeOffset Time) : StartPosition;

        /// <summary>earliest|beginning, latest|end, N, -N, @TIME.</summary>
        internal static StartPosition Parse(string text)
        {
            if (text is "earliest" or "beginning") return new Earliest();
            if (text is "latest" or "end") return new Latest();
            if (text.StartsWith('@')) return new AtTime(OffsetResetPlanner.ParseDateTime(text[1..], "--from @"));
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                return n >= 0 ? new At(n) : new BeforeEnd(n == long.MinValue ? long.MaxValue : -n);
            throw CliException.Usage($"--from expects earliest, latest, an offset, -N or @TIME; not '{text}'");
        }
    }
}
