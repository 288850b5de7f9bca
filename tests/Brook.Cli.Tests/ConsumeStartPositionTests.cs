using Brook.Cli;
using Brook.Cli.Verbs;
using StartPosition = Brook.Cli.Verbs.ConsumeVerb.StartPosition;

namespace Brook.Cli.Tests;

public sealed class ConsumeStartPositionTests
{
    [Theory]
    [InlineData("earliest")]
    [InlineData("beginning")]
    public void Earliest_has_kcat_and_kafka_names(string text) => Assert.IsType<StartPosition.Earliest>(StartPosition.Parse(text));

    [Theory]
    [InlineData("latest")]
    [InlineData("end")]
    public void Latest_has_kcat_and_kafka_names(string text) => Assert.IsType<StartPosition.Latest>(StartPosition.Parse(text));

    [Fact]
    public void A_number_is_an_offset_and_a_negative_number_counts_back_from_the_end()
    {
        Assert.Equal(new StartPosition.At(42), StartPosition.Parse("42"));
        Assert.Equal(new StartPosition.At(0), StartPosition.Parse("0"));
        Assert.Equal(new StartPosition.BeforeEnd(10), StartPosition.Parse("-10"));
        Assert.Equal(new StartPosition.BeforeEnd(long.MaxValue), StartPosition.Parse(long.MinValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void An_at_sign_starts_at_a_time()
    {
        Assert.Equal(new StartPosition.AtTime(DateTimeOffset.FromUnixTimeMilliseconds(1_000)), StartPosition.Parse("@1000"));
        Assert.Equal(new StartPosition.AtTime(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero)), StartPosition.Parse("@2026-12-05T10:00:00Z"));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData("@never")]
    public void Anything_else_is_a_usage_error(string text)
    {
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => StartPosition.Parse(text)).ExitCode);
    }
}
