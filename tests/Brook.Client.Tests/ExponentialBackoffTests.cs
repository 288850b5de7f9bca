namespace Brook.Client.Tests;

/// <summary>Kafka's reconnect backoff arithmetic: 50 ms doubling to 1 s, ±20 % jitter, the cap applied after the jitter.</summary>
public sealed class ExponentialBackoffTests
{
    private static readonly ExponentialBackoff Reconnect = new(TimeSpan.FromMilliseconds(50), 2, TimeSpan.FromSeconds(1), 0.2);

    [Theory]
    [InlineData(0, 40, 60)]
    [InlineData(1, 80, 120)]
    [InlineData(2, 160, 240)]
    [InlineData(3, 320, 480)]
    [InlineData(4, 640, 960)]
    [InlineData(5, 800, 1000)]
    [InlineData(30, 800, 1000)]
    public void DoublesPerAttemptWithinTheJitterUpToTheMaximum(int attempts, int low, int high)
    {
        for (var i = 0; i < 200; i++) Assert.InRange(Reconnect.Backoff(attempts).TotalMilliseconds, low, high);
    }

    [Fact]
    public void JitterSpreadsTheDelays()
    {
        var seen = Enumerable.Range(0, 200).Select(_ => Reconnect.Backoff(2)).Distinct().Count();
        Assert.True(seen > 10, $"{seen} distinct delays");
    }

    [Fact]
    public void WithoutJitterTheDelaysAreExact()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(100), 2, TimeSpan.FromMilliseconds(700), 0);
        Assert.Equal([100, 200, 400, 700, 700], Enumerable.Range(0, 5).Select(a => backoff.Backoff(a).TotalMilliseconds));
    }

    [Fact]
    public void AMaximumNotAboveTheInitialValueMeansAConstantDelay()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(100), 2, TimeSpan.FromMilliseconds(50), 0.2);
        Assert.All(Enumerable.Range(0, 5), a => Assert.Equal(100, backoff.Backoff(a).TotalMilliseconds));
    }
}
