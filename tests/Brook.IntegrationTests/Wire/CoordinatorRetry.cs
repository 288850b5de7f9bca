using System.Diagnostics;
using Brook.Protocol.Messages;
using BrookError = Brook.Common.ErrorCode;

namespace Brook.IntegrationTests.Wire;

/// <summary>
/// Raw-protocol tests talk to coordinators that may still be creating or loading their internal topic: these helpers
/// repeat a request while it answers one of the transient coordinator errors a real client would retry on.
/// </summary>
public static class CoordinatorRetry
{
    /// <summary>Errors worth retrying while a coordinator's internal topic is created or loaded, or a transaction completes.</summary>
    public static bool IsRetriable(short error) => (BrookError)error is BrookError.CoordinatorLoadInProgress or
        BrookError.CoordinatorNotAvailable or BrookError.NotCoordinator or BrookError.ConcurrentTransactions;

    /// <summary>Repeats <paramref name="call"/> while it answers a retriable error (at most 20 s); returns the last answer.</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, Func<T, short> errorOf)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var result = await call();
            if (!IsRetriable(errorOf(result)) || deadline.Elapsed > TimeSpan.FromSeconds(20)) return result;
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until FindCoordinator for <paramref name="key"/> (0 = group, 1 = transactional id) succeeds.</summary>
    public static async Task WaitForCoordinatorAsync(ProtocolClient client, sbyte keyType, string key)
    {
        var response = await RetryAsync(
            () => client.SendAsync<FindCoordinatorRequest, FindCoordinatorResponse>(
                new FindCoordinatorRequest { KeyType = keyType, CoordinatorKeys = [key] }, 4),
            r => r.Coordinators.Count == 1 ? r.Coordinators[0].ErrorCode : (short)BrookError.CoordinatorNotAvailable);
        Assert.Equal((short)BrookError.None, Assert.Single(response.Coordinators).ErrorCode);
    }
}
