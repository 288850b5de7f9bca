using Microsoft.Extensions.Time.Testing;

namespace Brook.Replication.Tests;

/// <summary>A replication throttle measures its rate as Kafka's quotas do: over the sample windows, at least all but one of them.</summary>
public sealed class ReplicationQuotaTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Without_a_limit_nothing_is_ever_exceeded()
    {
        var quota = new ReplicationQuota(_time);
        quota.Record(long.MaxValue / 2);
        Assert.False(quota.IsExceeded);
        Assert.Equal(long.MaxValue, quota.Limit);
    }

    [Fact]
    public void The_rate_spreads_over_the_sample_windows_and_falls_once_they_pass()
    {
        var quota = new ReplicationQuota(_time);
        quota.Configure(bytesPerSecond: 1000, samples: 11, windowSeconds: 1);

        quota.Record(5000); // 5000 B over the 10-window floor: 500 B/s
        Assert.Equal(500, quota.Rate(), 3);
        Assert.False(quota.IsExceeded);
        _time.Advance(TimeSpan.FromSeconds(1));
        quota.Record(6000); // 11000 B: 1100 B/s
        Assert.True(quota.IsExceeded);

        _time.Advance(TimeSpan.FromSeconds(12)); // every sample is older than the 11 windows
        Assert.Equal(0, quota.Rate(), 3);
        Assert.False(quota.IsExceeded);
    }

    [Fact]
    public void A_long_stream_is_measured_at_its_own_rate()
    {
        var quota = new ReplicationQuota(_time);
        quota.Configure(bytesPerSecond: 10_000, samples: 3, windowSeconds: 1);
        for (var second = 0; second < 30; second++)
        {
            quota.Record(2000);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        // 2000 B/s steady: the last samples hold about that much per second.
        Assert.InRange(quota.Rate(), 1500, 3000);
        quota.Configure(bytesPerSecond: 1000, samples: 3, windowSeconds: 1);
        Assert.True(quota.IsExceeded); // a lower limit applies at once
    }
}
