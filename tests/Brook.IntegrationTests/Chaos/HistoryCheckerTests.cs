namespace Brook.IntegrationTests.Chaos;

/// <summary>
/// <see cref="HistoryChecker"/> on synthetic histories: a clean one (with the at-least-once re-reads a rebalance
/// causes) passes, and each anomaly is caught, alone, by its own kind. Also that a schedule is a function of its seed.
/// </summary>
public sealed class HistoryCheckerTests
{
    [Fact]
    public void A_clean_history_with_rereads_after_a_rebalance_has_no_anomalies()
    {
        var history = Clean();
        // After a rebalance a reader starts again from the committed offset: the same values at the same offsets.
        history.Observe(new Observation("c1", 2, 0, 1, "p0-1"));
        history.Observe(new Observation("c1", 2, 0, 2, "p1-0"));
        Assert.Empty(HistoryChecker.Check(history));
    }

    [Fact]
    public void An_acknowledged_value_missing_from_the_final_read_is_lost()
    {
        var history = Clean(skipFinal: "p1-0");
        Assert.Equal([AnomalyKind.LostAck], Kinds(history));
    }

    [Fact]
    public void An_unacknowledged_value_missing_from_the_final_read_is_fine()
    {
        var history = Clean();
        history.Attempt("p0-9");
        history.Fail("p0-9", "Local_MsgTimedOut");
        Assert.Empty(HistoryChecker.Check(history));
    }

    [Fact]
    public void An_acknowledged_value_below_what_the_group_read_but_never_read_by_it_was_skipped()
    {
        var history = new QueueHistory();
        for (var i = 0; i < 3; i++)
        {
            history.Attempt($"p0-{i}");
            history.Ack($"p0-{i}", 0, i);
            history.ObserveFinal(0, i, $"p0-{i}");
        }
        history.Observe(new Observation("c0", 1, 0, 0, "p0-0"));
        history.Observe(new Observation("c0", 1, 0, 2, "p0-2")); // jumped over 0@1
        Assert.Equal([AnomalyKind.SkippedByGroup], Kinds(history));
    }

    [Fact]
    public void A_value_at_two_offsets_is_a_duplicate()
    {
        var history = Clean();
        history.ObserveFinal(1, 1, "p0-0");
        Assert.Equal([AnomalyKind.Duplicate], Kinds(history));
    }

    [Fact]
    public void Two_values_at_one_offset_are_inconsistent()
    {
        var history = Clean();
        // A reader during the faults saw another value at 0@2 than the ack and the final read: e.g. a truncated write.
        history.Attempt("p2-0");
        history.Observe(new Observation("c0", 9, 0, 2, "p2-0"));
        Assert.Equal([AnomalyKind.InconsistentOffset], Kinds(history));
    }

    [Fact]
    public void An_ack_for_an_offset_that_holds_another_value_is_inconsistent()
    {
        var history = new QueueHistory();
        history.Attempt("p0-0");
        history.Attempt("p0-1");
        history.Ack("p0-0", 0, 0);
        history.Ack("p0-1", 0, 0); // the broker acknowledged two values at one offset
        history.ObserveFinal(0, 0, "p0-0");
        history.ObserveFinal(0, 1, "p0-1");
        Assert.Contains(AnomalyKind.InconsistentOffset, Kinds(history));
    }

    [Fact]
    public void Offsets_going_back_within_one_session_are_not_monotonic()
    {
        var history = Clean();
        history.Observe(new Observation("c0", 1, 0, 1, "p0-1")); // session 1 already read 0..2
        Assert.Equal([AnomalyKind.NonMonotonic], Kinds(history));
    }

    [Fact]
    public void A_value_nobody_attempted_is_a_phantom()
    {
        var history = Clean();
        history.Observe(new Observation("c1", 1, 1, 1, "p7-7"));
        history.ObserveFinal(1, 1, "p7-7");
        Assert.Equal([AnomalyKind.Phantom], Kinds(history));
    }

    [Fact]
    public void A_fatal_client_error_is_reported()
    {
        var history = Clean();
        history.Fatal("producer p0: OUT_OF_ORDER_SEQUENCE_NUMBER");
        Assert.Equal([AnomalyKind.FatalClientError], Kinds(history));
    }

    [Fact]
    public void The_report_counts_every_anomaly_and_lists_the_first_of_each_kind()
    {
        var history = new QueueHistory();
        for (var i = 0; i < 30; i++)
        {
            history.Attempt($"p0-{i}");
            history.Ack($"p0-{i}", 0, i);
        }
        var anomalies = HistoryChecker.Check(history);
        Assert.Equal(30, anomalies.Count);
        var report = HistoryChecker.Describe(anomalies);
        Assert.Contains("LostAck: 30", report);
        Assert.Contains("... and 10 more", report);
    }

    [Fact]
    public void A_schedule_is_a_function_of_its_seed_and_never_overlaps_faults()
    {
        var a = ChaosSchedule.Generate(42, TimeSpan.FromSeconds(600));
        var b = ChaosSchedule.Generate(42, TimeSpan.FromSeconds(600));
        Assert.Equal(a.Describe(), b.Describe());
        Assert.NotEqual(a.Describe(), ChaosSchedule.Generate(43, TimeSpan.FromSeconds(600)).Describe());
        Assert.True(a.End <= TimeSpan.FromSeconds(600));
        Assert.All(a.Steps.Zip(a.Steps.Skip(1)), pair => Assert.True(pair.First.HealAt < pair.Second.At));
        Assert.All(a.Steps.Where(s => s.Kind == FaultKind.CutLink), s => Assert.NotEqual(s.Node, s.Other));
        FaultKind[] operations = [FaultKind.Reassign, FaultKind.ElectPreferred, FaultKind.Decommission];
        Assert.Equal(Enum.GetValues<FaultKind>().Except(operations).Order(), a.Steps.Select(s => s.Kind).Distinct().Order());
        Assert.All(ChaosSchedule.Generate(42, TimeSpan.FromSeconds(600), networkFaults: false).Steps,
            s => Assert.True(s.Kind is FaultKind.KillRestart or FaultKind.StopRestart or FaultKind.Pause));

        // With a broker-only node, operations join the faults; faults still hit voters only, reassignments pick
        // replicationFactor distinct brokers among all four, and a decommission retires the broker-only node.
        var ops = ChaosSchedule.Generate(42, TimeSpan.FromSeconds(600), brokerOnlyNodes: 1, partitions: 4, replicationFactor: 3);
        Assert.Equal(Enum.GetValues<FaultKind>().Order(), ops.Steps.Select(s => s.Kind).Distinct().Order());
        Assert.All(ops.Steps.Zip(ops.Steps.Skip(1)), pair => Assert.True(pair.First.HealAt < pair.Second.At));
        Assert.All(ops.Steps.Where(s => s.Kind is not (FaultKind.Reassign or FaultKind.ElectPreferred or FaultKind.Decommission)),
            s => Assert.InRange(s.Node, 1, 3));
        Assert.All(ops.Steps.Where(s => s.Kind == FaultKind.Reassign), s =>
        {
            Assert.InRange(s.Partition, 0, 3);
            Assert.Equal(3, s.Replicas.Distinct().Count());
            Assert.All(s.Replicas, r => Assert.InRange(r, 1, 4));
        });
        Assert.All(ops.Steps.Where(s => s.Kind == FaultKind.Decommission), s => Assert.Equal(4, s.Node));
        // Without operations a seed gives the schedule it always gave.
        Assert.Equal(a.Steps.Select(s => s.ToString()), ChaosSchedule.Generate(42, TimeSpan.FromSeconds(600), brokerOnlyNodes: 0).Steps.Select(s => s.ToString()));
    }

    /// <summary>
    /// Two producers, two partitions: p0-0..2 and p1-0 acknowledged (p1-1 failed and was never written); reader c0 saw
    /// partition 0, reader c1 partition 1, each in session 1; the final read saw every acknowledged value in place.
    /// </summary>
    private static QueueHistory Clean(string? skipFinal = null)
    {
        var history = new QueueHistory();
        (string Value, int Partition, long Offset)[] writes = [("p0-0", 0, 0), ("p0-1", 0, 1), ("p1-0", 0, 2), ("p0-2", 1, 0)];
        foreach (var (value, partition, offset) in writes)
        {
            history.Attempt(value);
            history.Ack(value, partition, offset);
        }
        history.Attempt("p1-1");
        history.Fail("p1-1", "Local_MsgTimedOut");
        foreach (var (value, partition, offset) in writes)
        {
            history.Observe(new Observation(partition == 0 ? "c0" : "c1", 1, partition, offset, value));
            if (value != skipFinal) history.ObserveFinal(partition, offset, value);
        }
        return history;
    }

    private static List<AnomalyKind> Kinds(QueueHistory history) =>
        [.. HistoryChecker.Check(history).Select(a => a.Kind).Distinct()];
}
