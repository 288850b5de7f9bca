using Brook.Cli;
using Brook.Cli.Verbs;

namespace Brook.Cli.Tests;

public sealed class OffsetResetPlannerTests
{
    private static readonly PartitionOffsetState Log = new(LogStart: 10, LogEnd: 100, Committed: 40);

    [Fact]
    public void Earliest_latest_and_current_read_the_log_bounds_and_the_committed_offset()
    {
        Assert.Equal(10, OffsetResetPlanner.Plan(new OffsetResetStrategy.ToEarliest(), Log, "t-0"));
        Assert.Equal(100, OffsetResetPlanner.Plan(new OffsetResetStrategy.ToLatest(), Log, "t-0"));
        Assert.Equal(40, OffsetResetPlanner.Plan(new OffsetResetStrategy.ToCurrent(), Log, "t-0"));
    }

    [Fact]
    public void Current_without_a_committed_offset_is_the_log_end()
    {
        Assert.Equal(100, OffsetResetPlanner.Plan(new OffsetResetStrategy.ToCurrent(), Log with { Committed = null }, "t-0"));
    }

    [Theory]
    [InlineData(50, 50)]
    [InlineData(3, 10)]
    [InlineData(500, 100)]
    public void An_explicit_offset_outside_the_log_moves_to_the_nearer_end(long asked, long planned)
    {
        Assert.Equal(planned, OffsetResetPlanner.Plan(new OffsetResetStrategy.ToOffset(asked), Log, "t-0"));
    }

    [Theory]
    [InlineData(-5, 35)]
    [InlineData(20, 60)]
    [InlineData(-1000, 10)]
    [InlineData(1000, 100)]
    [InlineData(long.MaxValue, 100)]
    [InlineData(long.MinValue, 10)]
    public void A_shift_moves_from_the_committed_offset_and_stays_inside_the_log(long delta, long planned)
    {
        Assert.Equal(planned, OffsetResetPlanner.Plan(new OffsetResetStrategy.ShiftBy(delta), Log, "t-0"));
    }

    [Fact]
    public void A_shift_without_a_committed_offset_is_refused_naming_the_partition()
    {
        var error = Assert.Throws<CliException>(() => OffsetResetPlanner.Plan(new OffsetResetStrategy.ShiftBy(-1), Log with { Committed = null }, "orders-2"));
        Assert.Contains("orders-2", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failed, error.ExitCode);
    }

    [Fact]
    public void A_time_takes_the_offset_found_for_it_or_the_log_end_when_no_record_is_that_late()
    {
        var strategy = new OffsetResetStrategy.ToTimestamp(DateTimeOffset.UnixEpoch);
        Assert.True(strategy.NeedsTimestampLookup);
        Assert.Equal(70, OffsetResetPlanner.Plan(strategy, Log with { OffsetForTime = 70 }, "t-0"));
        Assert.Equal(100, OffsetResetPlanner.Plan(strategy, Log with { OffsetForTime = -1 }, "t-0"));
        Assert.Equal(100, OffsetResetPlanner.Plan(strategy, Log with { OffsetForTime = null }, "t-0"));
        Assert.False(new OffsetResetStrategy.ToLatest().NeedsTimestampLookup);
    }

    [Fact]
    public void An_empty_log_plans_its_start_whatever_is_asked()
    {
        var empty = new PartitionOffsetState(LogStart: 7, LogEnd: 7, Committed: null);
        Assert.Equal(7, OffsetResetPlanner.Plan(new OffsetResetStrategy.ToOffset(0), empty, "t-0"));
        Assert.Equal(7, OffsetResetPlanner.Plan(new OffsetResetStrategy.ToOffset(99), empty, "t-0"));
    }

    [Theory]
    [InlineData("2026-12-05T10:00:00Z", "2026-12-05T10:00:00+00:00")]
    [InlineData("2026-12-05T10:00:00", "2026-12-05T10:00:00+00:00")]
    [InlineData("2026-12-05T12:00:00+02:00", "2026-12-05T10:00:00+00:00")]
    [InlineData("1764928800000", "2025-12-05T10:00:00+00:00")]
    public void Times_are_iso_8601_with_utc_by_default_or_epoch_milliseconds(string text, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), OffsetResetPlanner.ParseDateTime(text, "--to-datetime"));
    }

    [Fact]
    public void A_malformed_time_is_a_usage_error_naming_the_option()
    {
        var error = Assert.Throws<CliException>(() => OffsetResetPlanner.ParseDateTime("yesterday", "--to-datetime"));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("--to-datetime", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PT15M", 15 * 60)]
    [InlineData("P1DT2H", 26 * 3600)]
    [InlineData("pt30s", 30)]
    [InlineData("90s", 90)]
    [InlineData("1.5m", 90)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    public void Durations_are_iso_8601_or_a_number_with_a_unit(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), OffsetResetPlanner.ParseDuration(text, "--by-duration"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("15")]
    [InlineData("15x")]
    [InlineData("-5m")]
    [InlineData("Pnonsense")]
    [InlineData("-PT5M")]
    public void Malformed_or_negative_durations_are_usage_errors(string text)
    {
        var error = Assert.Throws<CliException>(() => OffsetResetPlanner.ParseDuration(text, "--by-duration"));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
    }
}
