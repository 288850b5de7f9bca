using System.Globalization;
using System.Text;

namespace Brook.Bench;

/// <summary>
/// A small SVG chart of latency over time: per window of the run, the p50, p99 and maximum latency as three lines on
/// a logarithmic millisecond axis (a tail that comes in bursts — write-back, GC — shows as spikes at their times).
/// </summary>
internal static class LatencyPlot
{
    private const double Width = 900, Height = 420, Left = 60, Right = 20, Top = 40, Bottom = 40;
    private const double MinMs = 0.1, MaxMs = 1000;

    public static void Write(string path, IReadOnlyList<LatencyBenchmark.Sample> samples, double windowSeconds, string title)
    {
        var windows = samples.GroupBy(s => (int)Math.Floor(s.SentAtSeconds / windowSeconds)).OrderBy(g => g.Key)
            .Select(g =>
            {
                var ticks = g.Select(s => s.LatencyTicks).ToArray();
                var p = Percentiles.Compute(ticks, ticks.Length, 50, 99, 100);
                return (Seconds: g.Key * windowSeconds, P50: p[0], P99: p[1], Max: p[2]);
            }).ToList();
        var first = windows.Count > 0 ? windows[0].Seconds : 0;
        var last = windows.Count > 0 ? windows[^1].Seconds + windowSeconds : 1;
        double X(double seconds) => Left + (seconds - first) / Math.Max(last - first, windowSeconds) * (Width - Left - Right);
        double Y(double ms) => Top + (Math.Log10(MaxMs) - Math.Log10(Math.Clamp(ms, MinMs, MaxMs))) /
            (Math.Log10(MaxMs) - Math.Log10(MinMs)) * (Height - Top - Bottom);
        static string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"20\" font-size=\"12\">{System.Security.SecurityElement.Escape(title)}</text>\n");
        for (var ms = MinMs; ms <= MaxMs * 1.001; ms *= 10)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Y(ms))}\" y2=\"{F(Y(ms))}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(Y(ms) + 4)}\" text-anchor=\"end\">{ms:G} ms</text>\n");
        }
        var step = Math.Max(1, Math.Ceiling((last - first) / 10));
        for (var s = Math.Ceiling(first); s <= last; s += step)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(s))}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{s:F0} s</text>\n");
        void Line(string colour, Func<(double Seconds, double P50, double P99, double Max), double> value, string label, int row)
        {
            var points = string.Join(' ', windows.Select(w => $"{F(X(w.Seconds + windowSeconds / 2))},{F(Y(value(w)))}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.2\" points=\"{points}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right - 60}\" y=\"{Top + 14 * row}\" fill=\"{colour}\">{label}</text>\n");
        }
        Line("#d62728", w => w.Max, "max", 1);
        Line("#ff7f0e", w => w.P99, "p99", 2);
        Line("#1f77b4", w => w.P50, "p50", 3);
        svg.Append("</svg>\n");
        File.WriteAllText(path, svg.ToString());
    }
}
