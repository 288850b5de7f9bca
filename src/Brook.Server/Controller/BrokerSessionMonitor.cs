using Brook.Metadata;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Brook.Server.Controller;

/// <summary>
/// The active controller's periodic session check (Kafka's controller schedules the same): every tenth of
/// broker.session.timeout.ms (between 50 ms and 1 s) it fences the brokers it has not heard from for a whole session,
/// moving their leaderships in the same write. On a node that is not the active controller a round does nothing.
/// </summary>
public sealed class BrokerSessionMonitor(ClusterController controller, TimeSpan sessionTimeout, TimeProvider time, ILogger<BrokerSessionMonitor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromTicks(Math.Clamp(sessionTimeout.Ticks / 10, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, time, stoppingToken).ConfigureAwait(false);
                if (controller.IsActive) await controller.FenceExpiredBrokersAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Common.KafkaException e) when (e.Code == Common.ErrorCode.NotController)
            {
                // Leadership moved under the check: the new controller starts its own sessions.
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Broker session check failed; the next round decides again");
            }
        }
    }
}
