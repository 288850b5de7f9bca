using System.Diagnostics;
using System.Net.Sockets;
using Brook.Client;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>Polls a condition until it holds or a deadline passes: the bounded wait every fail-over test needs.</summary>
public static class Eventually
{
    /// <summary>
    /// Re-evaluates <paramref name="condition"/> every <paramref name="period"/> (200 ms) until it is true; throws a
    /// <see cref="TimeoutException"/> carrying <paramref name="failure"/> after <paramref name="within"/>. Connection
    /// errors count as "not yet": in a fail-over test the node asked may be dead, paused or still starting.
    /// </summary>
    public static Task HoldsAsync(Func<Task<bool>> condition, string failure, TimeSpan within, TimeSpan? period = null) =>
        HoldsAsync(condition, () => failure, within, period);

    /// <summary>As above, with the failure described when it happens (so it can report the state it timed out in).</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, Func<string> failure, TimeSpan within, TimeSpan? period = null)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition().ConfigureAwait(false)) return;
            }
            catch (Exception e) when (e is IOException or TimeoutException or SocketException or KafkaConnectionException
                                          or OperationCanceledException)
            {
                last = e;
            }
            if (clock.Elapsed > within)
                throw new TimeoutException($"{failure()} within {within.TotalSeconds:0} s" + (last is null ? "" : $" (last error: {last.Message})"));
            await Task.Delay(period ?? TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
        }
    }

    /// <summary><see cref="HoldsAsync(Func{Task{bool}}, string, TimeSpan, TimeSpan?)"/> for a synchronous condition.</summary>
    public static Task HoldsAsync(Func<bool> condition, string failure, TimeSpan within, TimeSpan? period = null) =>
        HoldsAsync(() => Task.FromResult(condition()), failure, within, period);

    /// <summary>A synchronous condition whose failure is described when it happens.</summary>
    public static Task HoldsAsync(Func<bool> condition, Func<string> failure, TimeSpan within, TimeSpan? period = null) =>
        HoldsAsync(() => Task.FromResult(condition()), failure, within, period);
}
