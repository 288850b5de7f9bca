using System.Text;

namespace Brook.IntegrationTests.Chaos;

/// <summary>The ways a queue history can be wrong.</summary>
public enum AnomalyKind
{
    /// <summary>An acknowledged value is missing from the final read from earliest.</summary>
    LostAck,

    /// <summary>
    /// An acknowledged value at or below the highest offset the group read in its partition that no group member read:
    /// the group skipped it (e.g. a commit ahead of what was consumed, or a fetch that jumped).
    /// </summary>
    SkippedByGroup,

    /// <summary>One value at two different (partition, offset) positions: a duplicate the idempotent producer should prevent.</summary>
    Duplicate,

    /// <summary>Two different values at one (partition, offset), among acks and every read.</summary>
    InconsistentOffset,

    /// <summary>Within one reader's assignment session, a partition's offsets did not strictly increase.</summary>
    NonMonotonic,

    /// <summary>A value read that no producer ever attempted.</summary>
    Phantom,

    /// <summary>A client hit a fatal error (a correct cluster never causes one for an idempotent producer).</summary>
    FatalClientError,
}

/// <summary>One thing wrong with a history.</summary>
public sealed record Anomaly(AnomalyKind Kind, string Detail)
{
    public override string ToString() => $"{Kind}: {Detail}";
}

/// <summary>
/// Checks a <see cref="QueueHistory"/> against Kafka's guarantees for idempotent acks=all producers on a topic that
/// never loses a majority: every acknowledged value survives (the final read sees it at its acknowledged offset) and
/// the consumer group read every one below the highest offset it reached, no
/// value is written twice, every (partition, offset) holds one value for everybody who reads or was told of it, a
/// reader's offsets only move forward within an assignment, and nothing appears that nobody wrote.
/// </summary>
public static class HistoryChecker
{
    /// <summary>How many anomalies of each kind the report lists in full (the count is always exact).</summary>
    private const int ListedPerKind = 20;

    public static IReadOnlyList<Anomaly> Check(QueueHistory history)
    {
        var anomalies = new List<Anomaly>();
        var acked = history.Acked;
        var observed = history.Observed;
        var final = history.FinalRead;
        var attempted = history.Attempted;

        foreach (var error in history.FatalErrors) anomalies.Add(new Anomaly(AnomalyKind.FatalClientError, error));

        var finalValues = final.Select(o => o.Value).ToHashSet();
        foreach (var ack in acked.Where(a => !finalValues.Contains(a.Value)))
            anomalies.Add(new Anomaly(AnomalyKind.LostAck, $"{ack.Value} acknowledged at {ack.Partition}@{ack.Offset}, absent from the final read"));

        var groupRead = observed.Select(o => o.Value).ToHashSet();
        var highestRead = observed.GroupBy(o => o.Partition).ToDictionary(g => g.Key, g => g.Max(o => o.Offset));
        foreach (var ack in acked.Where(a => highestRead.TryGetValue(a.Partition, out var high) && a.Offset <= high && !groupRead.Contains(a.Value)))
        {
            anomalies.Add(new Anomaly(AnomalyKind.SkippedByGroup,
                $"{ack.Value} acknowledged at {ack.Partition}@{ack.Offset}, never read by the group, which read up to {highestRead[ack.Partition]}"));
        }

        // Every claim about a position: the producer's ack and each read, wherever it came from.
        var claims = acked.Select(a => (a.Partition, a.Offset, a.Value, Source: "ack"))
            .Concat(observed.Concat(final).Select(o => (o.Partition, o.Offset, o.Value, Source: $"{o.Reader}#{o.Session}")))
            .ToList();

        foreach (var position in claims.GroupBy(c => (c.Partition, c.Offset)))
        {
            var values = position.GroupBy(c => c.Value).ToList();
            if (values.Count > 1)
            {
                anomalies.Add(new Anomaly(AnomalyKind.InconsistentOffset, $"{position.Key.Partition}@{position.Key.Offset} holds " +
                    string.Join(", ", values.Select(v => $"{v.Key} (per {string.Join('/', v.Select(c => c.Source).Distinct())})"))));
            }
        }

        foreach (var value in claims.GroupBy(c => c.Value))
        {
            var positions = value.Select(c => (c.Partition, c.Offset)).Distinct().ToList();
            if (positions.Count > 1)
                anomalies.Add(new Anomaly(AnomalyKind.Duplicate, $"{value.Key} at {string.Join(", ", positions.Select(p => $"{p.Partition}@{p.Offset}"))}"));
        }

        foreach (var run in observed.Concat(final).GroupBy(o => (o.Reader, o.Session, o.Partition)))
        {
            long? previous = null;
            foreach (var o in run)
            {
                if (previous is { } p && o.Offset <= p)
                {
                    anomalies.Add(new Anomaly(AnomalyKind.NonMonotonic,
                        $"{o.Reader} session {o.Session} partition {o.Partition}: offset {o.Offset} ({o.Value}) after {p}"));
                }
                previous = o.Offset;
            }
        }

        foreach (var value in observed.Concat(final).Select(o => o.Value).Distinct().Where(v => !attempted.Contains(v)))
            anomalies.Add(new Anomaly(AnomalyKind.Phantom, $"{value} was read but never produced"));

        return anomalies;
    }

    /// <summary>A report of <paramref name="anomalies"/>: a count per kind and the first few of each.</summary>
    public static string Describe(IReadOnlyList<Anomaly> anomalies)
    {
        if (anomalies.Count == 0) return "no anomalies";
        var sb = new StringBuilder();
        foreach (var kind in anomalies.GroupBy(a => a.Kind))
        {
            sb.Append(kind.Key).Append(": ").Append(kind.Count()).AppendLine();
            foreach (var anomaly in kind.Take(ListedPerKind)) sb.Append("  ").AppendLine(anomaly.Detail);
            if (kind.Count() > ListedPerKind) sb.Append("  ... and ").Append(kind.Count() - ListedPerKind).AppendLine(" more");
        }
        return sb.ToString();
    }
}
