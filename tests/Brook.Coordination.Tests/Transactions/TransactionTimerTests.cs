using Brook.Common;
using Brook.Coordination.Transactions;

namespace Brook.Coordination.Tests.Transactions;

public class TransactionTimerTests
{
    [Fact]
    public async Task A_timed_out_transaction_is_aborted_and_its_producer_fenced()
    {
        using var h = new TransactionHarness();
        var zombie = await h.Init("tx", timeoutMs: 15_000);
        await h.Add("tx", zombie, ("t", 0));
        h.Events.Clear();

        // The first sweep (10 s) finds it young; the second (20 s) finds it 20 s old, past its 15 s.
        await h.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("Ongoing", h.Describe("tx").State);
        await h.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(["append:PrepareAbort", "markers:abort", "append:CompleteAbort"], h.Events);
        var markers = Assert.Single(h.Markers.Calls);
        Assert.Equal((short)1, markers.ProducerEpoch);
        var d = h.Describe("tx");
        Assert.Equal("CompleteAbort", d.State);
        Assert.Equal((short)1, d.ProducerEpoch);

        // The zombie can neither commit nor go on.
        Assert.Equal(ErrorCode.ProducerFenced, await h.End("tx", zombie, commit: true));
        Assert.Equal(ErrorCode.ProducerFenced, await h.Add("tx", zombie, ("t", 1)));
        // KIP-360 recovery with the zombie's epoch is fenced too.
        Assert.Equal(ErrorCode.ProducerFenced, (await h.Init("tx", expectedId: zombie.ProducerId, expectedEpoch: zombie.ProducerEpoch)).Error);
        // A new instance carries on.
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 2), await h.Init("tx"));
    }

    [Fact]
    public async Task A_failed_fencing_record_keeps_the_fenced_epoch_without_bumping_twice()
    {
        using var h = new TransactionHarness();
        var zombie = await h.Init("tx", timeoutMs: 1_000);
        await h.Add("tx", zombie, ("t", 0));
        h.Log.FailWith = ErrorCode.NotEnoughReplicas;
        await h.Advance(TimeSpan.FromSeconds(10));
        // Memory is fenced at once, even though the record did not make it.
        Assert.Equal(ErrorCode.ProducerFenced, await h.Add("tx", zombie, ("t", 1)));
        Assert.Equal((short)1, h.Describe("tx").ProducerEpoch);
        Assert.Equal("Ongoing", h.Describe("tx").State);

        h.Log.FailWith = null;
        await h.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("CompleteAbort", h.Describe("tx").State);
        Assert.Equal((short)1, h.Describe("tx").ProducerEpoch);
        Assert.Equal((short)1, Assert.Single(h.Markers.Calls).ProducerEpoch);
    }

    [Fact]
    public async Task Idle_transactional_ids_expire_with_a_tombstone()
    {
        using var h = new TransactionHarness();
        var p = await h.Init("idle");
        await h.Add("idle", p, ("t", 0));
        await h.End("idle", p, commit: true);
        var busy = await h.Init("busy");
        await h.Add("busy", busy, ("t", 0));
        await h.Coordinator.DrainAsync();
        h.Events.Clear();

        // 24 h of expiration, checked hourly. "busy" stays Ongoing (its timeout abort makes it CompleteAbort, which then
        // needs its own 24 h to expire).
        for (var hour = 0; hour < 24; hour++) await h.Advance(TimeSpan.FromHours(1));
        Assert.Contains("append:tombstone", h.Events);
        Assert.Null(h.Log.ValuesOf("idle")[^1]);
        Assert.Equal(ErrorCode.TransactionalIdNotFound, h.Describe("idle").Error);
        Assert.Equal(ErrorCode.None, h.Describe("busy").Error);

        // The id comes back as new: a new producer id.
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1002, 0), await h.Init("idle"));
    }
}
