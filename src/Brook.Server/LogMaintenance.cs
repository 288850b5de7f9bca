using Brook.Common.Config;
using Brook.Replication;
using Brook.Storage.Compaction;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Brook.Server;

/// <summary>
/// The broker's background log work, as Kafka's LogManager schedules it: retention (whole closed segments past
/// retention.ms / retention.bytes, or below the log start offset) and producer-id expiry (producer.id.expiration.ms)
/// every log.retention.check.interval.ms, and the log
/// cleaner (compaction of cleanup.policy=compact logs, dirtiest first) every log.cleaner.backoff.ms when
/// log.cleaner.enable is on. Appends are never blocked for long: cleaning builds new segments aside and swaps them in.
/// producer.id.expiration.ms and log.cleaner.backoff.ms are dynamic in Kafka, so they are read again every round.
/// </summary>
public sealed class LogMaintenance(ReplicaManager replicas, DynamicBrokerConfig brokerConfig, TimeProvider time, ILogger<LogMaintenance> logger)
    : BackgroundService
{
    private readonly LogCleaner _cleaner = new(new LogCleanerOptions(), logger);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retentionEvery = TimeSpan.FromMilliseconds(Math.Max(1, brokerConfig.Static.LogRetentionCheckIntervalMs));
        var cleanerEnabled = brokerConfig.Static.GetBool("log.cleaner.enable");
        var cleanerEvery = CleanerBackoff();
        var nextRetention = time.GetUtcNow() + retentionEvery;
        var nextCleaning = time.GetUtcNow() + cleanerEvery;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var wake = cleanerEnabled && nextCleaning < nextRetention ? nextCleaning : nextRetention;
            if (wake > now)
            {
                try { await Task.Delay(wake - now, time, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
            now = time.GetUtcNow();
            if (now >= nextRetention)
            {
                RunRetention(now.ToUnixTimeMilliseconds());
                nextRetention = now + retentionEvery;
            }
            if (cleanerEnabled && now >= nextCleaning)
            {
                await Task.Run(() => RunCleaner(stoppingToken), stoppingToken).ConfigureAwait(false);
                cleanerEvery = CleanerBackoff();
                nextCleaning = time.GetUtcNow() + cleanerEvery;
            }
        }
    }

    private TimeSpan CleanerBackoff() => TimeSpan.FromMilliseconds(Math.Max(1, brokerConfig.Current.GetLong("log.cleaner.backoff.ms")));

    private void RunRetention(long nowMs)
    {
        foreach (var partition in replicas.Partitions)
        {
            try
            {
                // The log reports what it deleted itself.
                partition.ApplyRetention(nowMs);
                var expired = partition.Log.ExpireProducers(nowMs, brokerConfig.Current.ProducerIdExpirationMs);
                if (expired > 0) logger.LogInformation("Forgot {Count} producer ids of {Partition} idle for over producer.id.expiration.ms", expired, partition.Id);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                logger.LogWarning("Retention of {Partition} failed: {Reason}", partition.Id, e.Message);
            }
        }
    }

    /// <summary>Cleans every log that needs it, dirtiest first; one pass per log per round.</summary>
    private void RunCleaner(CancellationToken stoppingToken)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var candidates = new List<(Partition Partition, double Ratio)>();
        foreach (var partition in replicas.Partitions)
        {
            if ((partition.Log.Config.CleanupPolicy & Brook.Storage.CleanupPolicy.Compact) == 0) continue;
            try
            {
                var state = _cleaner.Inspect(partition.Log, nowMs, partition.HighWatermark);
                if (state.NeedsCleaning) candidates.Add((partition, state.DirtyRatio));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                logger.LogWarning("Cannot inspect {Partition} for cleaning: {Reason}", partition.Id, e.Message);
            }
        }
        foreach (var (partition, _) in candidates.OrderByDescending(c => c.Ratio))
        {
            if (stoppingToken.IsCancellationRequested) return;
            try
            {
                var r = _cleaner.Clean(partition.Log, time.GetUtcNow().ToUnixTimeMilliseconds(), partition.HighWatermark);
                if (r.Outcome == LogCleanOutcome.Cleaned)
                {
                    var seconds = Math.Max(r.Duration.TotalSeconds, 1e-6);
                    logger.LogInformation(
                        "Cleaned {Partition} offsets {From}-{To}: read {Read} bytes, wrote {Written}, kept {Kept} records, removed {Removed} ({Tombstones} tombstones) in {Ms:F0} ms ({MBps:F1} MB/s)",
                        partition.Id, r.FirstDirtyOffset, r.EndOffset, r.BytesRead, r.BytesWritten, r.RecordsKept, r.RecordsRemoved, r.TombstonesRemoved,
                        r.Duration.TotalMilliseconds, r.BytesRead / seconds / (1024 * 1024));
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or InvalidDataException)
            {
                logger.LogWarning("Cleaning {Partition} failed: {Reason}", partition.Id, e.Message);
            }
        }
    }
}
