using System.Diagnostics;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>Round-robin polling of several members from the test thread until a condition holds.</summary>
public static class GroupPolling
{
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Polls every member in turn until <paramref name="condition"/> is true after a full round; throws with each
    /// member's state on timeout. <paramref name="afterRound"/> runs after every round (for invariant checks).
    /// </summary>
    public static void PollUntil(IReadOnlyList<GroupMember> members, Func<bool> condition, TimeSpan timeout, string what,
        Action? afterRound = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (var m in members) m.Poll(Slice);
            afterRound?.Invoke();
            if (condition()) return;
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"not reached within {timeout.TotalSeconds:0}s: {what}\n" +
                    string.Join("\n", members.Select(m => "  " + m)));
            }
        }
    }

    /// <summary>Keeps polling every member for <paramref name="duration"/>, running <paramref name="afterRound"/> each round.</summary>
    public static void PollFor(IReadOnlyList<GroupMember> members, TimeSpan duration, Action? afterRound = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            foreach (var m in members) m.Poll(Slice);
            afterRound?.Invoke();
        }
    }

    /// <summary>
    /// Asserts that no partition is in two members' assignments and, if <paramref name="partitionCount"/> is given,
    /// that together they cover partitions 0..count-1.
    /// </summary>
    public static void AssertDisjoint(IReadOnlyList<GroupMember> members, int? partitionCount = null)
    {
        var owner = new Dictionary<int, string>();
        foreach (var m in members)
        {
            foreach (var p in m.AssignedPartitions)
            {
                if (owner.TryGetValue(p, out var other))
                {
                    Assert.Fail($"partition {p} owned by both {other} and {m.Name}\n" + string.Join("\n", members.Select(x => "  " + x)));
                }
                owner[p] = m.Name;
            }
        }
        if (partitionCount is { } count)
        {
            Assert.True(owner.Count == count,
                $"members own {owner.Count} of {count} partitions\n" + string.Join("\n", members.Select(x => "  " + x)));
        }
    }
}
