using System.Text.Json.Nodes;

namespace Brook.WebConsole.Api;

/// <summary>Turns sampled metric points into what the console's charts draw.</summary>
public static class ChartSeries
{
    /// <summary>One chart point: unix milliseconds and a value.</summary>
    public sealed record Point(long T, double V);

    /// <summary>The points as the charts read them: [{"t": unix ms, "v": value}, ...].</summary>
    public static JsonArray ToJson(IEnumerable<Point> points) =>
        ApiResults.ArrayOf(points, p => new JsonObject { ["t"] = p.T, ["v"] = p.V });

    /// <summary>Gauge points summed per sample time (e.g. the lag of all a group's partitions).</summary>
    public static IReadOnlyList<Point> Sums(IEnumerable<(long UnixMs, double Value)> points) =>
        points.GroupBy(p => p.UnixMs).OrderBy(g => g.Key).Select(g => new Point(g.Key, g.Sum(p => p.Value))).ToList();

    /// <summary>
    /// The per-second rate between consecutive samples of counters summed per sample time (e.g. messages in over every
    /// broker series of a topic); a counter that went down (a restart) counts from zero, as Prometheus's rate() does.
    /// </summary>
    public static IReadOnlyList<Point> Rates(IEnumerable<(long UnixMs, double Value)> points)
    {
        var sums = Sums(points);
        var rates = new List<Point>(Math.Max(0, sums.Count - 1));
        for (var i = 1; i < sums.Count; i++)
        {
            var seconds = (sums[i].T - sums[i - 1].T) / 1000.0;
            if (seconds <= 0) continue;
            var delta = sums[i].V >= sums[i - 1].V ? sums[i].V - sums[i - 1].V : sums[i].V;
            rates.Add(new Point(sums[i].T, delta / seconds));
        }
        return rates;
    }
}
