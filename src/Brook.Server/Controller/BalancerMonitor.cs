using Brook.Metadata;
using Brook.Protocol.Messages;
using Brook.Server.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Controller;

/// <summary>
/// brook.balancer.enable on the active controller: every brook.balancer.check.interval.ms, while the balancer is on
/// (a dynamic, cluster-wide key), it asks every active broker for its log directories (DescribeLogDirs, the API
/// Cruise Control reads too) and runs one <see cref="ClusterController.BalanceAsync"/> step with what they report.
/// A broker that does not answer counts as of unknown disk use. On a node that is not the active controller a round
/// does nothing.
/// </summary>
public sealed class BalancerMonitor(ClusterController controller, DynamicBrokerConfig config, MetadataView metadata, InterBrokerConnections? brokers,
    TimeProvider time, ILogger<BalancerMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan DescribeTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(config.Current.BalancerCheckIntervalMs), time, stoppingToken).ConfigureAwait(false);
                var current = config.Current;
                if (!current.BalancerEnable || !controller.IsActive) continue;
                var (usage, sizes) = await MeasureAsync(stoppingToken).ConfigureAwait(false);
                await controller.BalanceAsync(new BalanceInputs(current.BalancerMaxConcurrentMoves, current.BalancerDecommissionBrokers, usage,
                    current.BalancerDiskUsageThresholdPercent / 100.0, sizes), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Common.KafkaException e) when (e.Code == Common.ErrorCode.NotController)
            {
                // Leadership moved under the step: the new controller runs its own.
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Balancer step failed; the next round plans again");
            }
        }
    }

    // Per broker the used share of its fullest log directory, and per partition the size of its largest replica.
    private async Task<(Dictionary<int, double>, Dictionary<(string, int), long>)> MeasureAsync(CancellationToken cancellationToken)
    {
        var usage = new Dictionary<int, double>();
        var sizes = new Dictionary<(string, int), long>();
        if (brokers is null) return (usage, sizes);
        var active = metadata.Image.Brokers.Values.Where(b => b.IsActive).Select(b => b.Id).ToList();
        var answers = await Task.WhenAll(active.Select(async id =>
        {
            try
            {
                return (id, await brokers.Pool.SendAsync<DescribeLogDirsRequest, DescribeLogDirsResponse>(id, new DescribeLogDirsRequest(), 4,
                    DescribeTimeout, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogDebug(e, "Balancer: broker {BrokerId} did not describe its log directories", id);
                return (id, (DescribeLogDirsResponse?)null);
            }
        })).ConfigureAwait(false);
        foreach (var (id, response) in answers)
        {
            if (response is null) continue;
            foreach (var dir in response.Results)
            {
                if (dir.ErrorCode == 0 && dir.TotalBytes > 0 && dir.UsableBytes >= 0)
                    usage[id] = Math.Max(usage.GetValueOrDefault(id), 1.0 - (double)dir.UsableBytes / dir.TotalBytes);
                foreach (var topic in dir.Topics)
                    foreach (var p in topic.Partitions)
                        sizes[(topic.Name, p.PartitionIndex)] = Math.Max(sizes.GetValueOrDefault((topic.Name, p.PartitionIndex)), p.PartitionSize);
            }
        }
        return (usage, sizes);
    }
}
