using System.Globalization;

namespace Brook.Cli.Verbs;

/// <summary>How <c>group reset-offsets</c> picks each partition's new offset, with kafka-consumer-groups.sh's option names.</summary>
public abstract record OffsetResetStrategy
{
    /// <summary>--to-earliest: the log start offset.</summary>
    public sealed record ToEarliest : OffsetResetStrategy;

    /// <summary>--to-latest: the log end offset.</summary>
    public sealed record ToLatest : OffsetResetStrategy;

    /// <summary>--to-current: the committed offset (the log end where there is none).</summary>
    public sealed record ToCurrent : OffsetResetStrategy;

    /// <summary>--to-offset N, kept inside the log.</summary>
    public sealed record ToOffset(long Offset) : OffsetResetStrategy;

    /// <summary>--shift-by N (negative: back), from the committed offset, kept inside the log.</summary>
    public sealed record ShiftBy(long Delta) : OffsetResetStrategy;

    /// <summary>--to-datetime / --by-duration: the first record at or after the time (the log end if none is).</summary>
    public sealed record ToTimestamp(DateTimeOffset Time) : OffsetResetStrategy;

    /// <summary>Whether the strategy needs ListOffsets by timestamp.</summary>
    public bool NeedsTimestampLookup => this is ToTimestamp;
}

/// <summary>What is known about one partition when planning its reset.</summary>
/// <param name="LogStart">The log start offset (ListOffsets earliest).</param>
/// <param name="LogEnd">The log end offset (ListOffsets latest).</param>
/// <param name="Committed">The group's committed offset, if it has one.</param>
/// <param name="OffsetForTime">For <see cref="OffsetResetStrategy.ToTimestamp"/>: the offset ListOffsets found for the time, if any.</param>
public readonly record struct PartitionOffsetState(long LogStart, long LogEnd, long? Committed, long? OffsetForTime = null);

/// <summary>The arithmetic of an offset reset, separate from any client so each rule is a unit test.</summary>
public static class OffsetResetPlanner
{
    /// <summary>The new offset of a partition in <paramref name="state"/> under <paramref name="strategy"/>.</summary>
    /// <exception cref="CliException">A shift of a partition that has no committed offset (there is nothing to shift from).</exception>
    public static long Plan(OffsetResetStrategy strategy, PartitionOffsetState state, string partitionName) => strategy switch
    {
        OffsetResetStrategy.ToEarliest => state.LogStart,
        OffsetResetStrategy.ToLatest => state.LogEnd,
        OffsetResetStrategy.ToCurrent => state.Committed ?? state.LogEnd,
        OffsetResetStrategy.ToOffset o => Clamp(o.Offset, state),
        OffsetResetStrategy.ShiftBy s => Clamp(SaturatingAdd(state.Committed
            ?? throw new CliException($"cannot shift the offset of {partitionName}: the group has no committed offset there"), s.Delta), state),
        OffsetResetStrategy.ToTimestamp => state.OffsetForTime is { } found and >= 0 ? Clamp(found, state) : state.LogEnd,
        _ => throw new ArgumentOutOfRangeException(nameof(strategy)),
    };

    // Kafka's rule: an offset outside [log start, log end] moves to the nearer end (and the tool says so).
    private static long Clamp(long offset, PartitionOffsetState state) => Math.Clamp(offset, state.LogStart, Math.Max(state.LogStart, state.LogEnd));

    private static long SaturatingAdd(long a, long b)
    {
        var sum = unchecked(a + b);
        return ((a ^ sum) & (b ^ sum)) < 0 ? (b < 0 ? long.MinValue : long.MaxValue) : sum;
    }

    /// <summary>Parses --to-datetime: ISO 8601 (no zone means UTC, as kafka-consumer-groups.sh reads it) or epoch milliseconds.</summary>
    public static DateTimeOffset ParseDateTime(string text, string option)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epochMs))
            return DateTimeOffset.FromUnixTimeMilliseconds(epochMs);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return time;
        throw CliException.Usage($"{option} expects an ISO 8601 time such as 2026-12-05T10:00:00Z, or epoch milliseconds; not '{text}'");
    }

    /// <summary>Parses --by-duration: ISO 8601 (PT15M, P1DT2H) as Kafka takes it, or a number with s, m, h or d.</summary>
    public static TimeSpan ParseDuration(string text, string option)
    {
        TimeSpan duration;
        if (text.StartsWith('P') || text.StartsWith('p'))
        {
            try
            {
                duration = System.Xml.XmlConvert.ToTimeSpan(text.ToUpperInvariant());
            }
            catch (FormatException)
            {
                throw CliException.Usage($"{option} expects a duration such as PT15M, P1D, 90s or 2h; not '{text}'");
            }
        }
        else
        {
            var unit = text.Length > 0 ? char.ToLowerInvariant(text[^1]) : ' ';
            if (unit is not ('s' or 'm' or 'h' or 'd') || !double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount < 0)
                throw CliException.Usage($"{option} expects a duration such as PT15M, P1D, 90s or 2h; not '{text}'");
            duration = unit switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }
        if (duration < TimeSpan.Zero) throw CliException.Usage($"{option} must not be negative");
        return duration;
    }
}
