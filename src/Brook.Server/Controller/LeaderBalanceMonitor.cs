using Brook.Metadata;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Controller;

/// <summary>
/// auto.leader.rebalance.enable on the active controller: every leader.imbalance.check.interval.seconds it moves
/// leaderships back to preferred replicas for the brokers over leader.imbalance.per.broker.percentage (see
/// <see cref="LeaderImbalancePlanner"/>), so a broker that restarted leads its share again. On a node that is not the
/// active controller a round does nothing.
/// </summary>
public sealed class LeaderBalanceMonitor(ClusterController controller, TimeSpan interval, int imbalancePercentage, TimeProvider time,
    ILogger<LeaderBalanceMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
                if (controller.IsActive) await controller.BalanceLeadersAsync(imbalancePercentage, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Common.KafkaException e) when (e.Code == Common.ErrorCode.NotController)
            {
                // Leadership moved under the check: the new controller runs its own rounds.
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Leader balance check failed; the next round decides again");
            }
        }
    }
}
