using System.Globalization;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>One scrape of a Prometheus text exposition, parsed into samples that tests look up by name and labels.</summary>
public sealed class ScrapedMetrics
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    private ScrapedMetrics(string text)
    {
        Text = text;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            string name;
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                var close = line.LastIndexOf('}');
                ParseLabels(line[(brace + 1)..close], labels);
            }
            else name = line[..space];
            var valueText = line[(space + 1)..];
            var value = valueText switch { "+Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, _ => double.Parse(valueText, CultureInfo.InvariantCulture) };
            _samples.Add((name, labels, value));
        }
    }

    /// <summary>The exposition as scraped (for failure messages).</summary>
    public string Text { get; }

    /// <summary>Fetches and parses http://127.0.0.1:<paramref name="port"/>/metrics.</summary>
    public static async Task<ScrapedMetrics> ScrapeAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return new ScrapedMetrics(await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"));
    }

    public static ScrapedMetrics Parse(string text) => new(text);

    /// <summary>The value of the sample named <paramref name="name"/> whose labels are exactly <paramref name="labels"/>; null if absent.</summary>
    public double? Value(string name, params (string Key, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .Select(s => (double?)s.Value).FirstOrDefault();

    /// <summary>The sum over every sample named <paramref name="name"/> that carries at least <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    private static void ParseLabels(string text, Dictionary<string, string> labels)
    {
        var i = 0;
        while (i < text.Length)
        {
            var eq = text.IndexOf('=', i);
            var key = text[i..eq].Trim(',', ' ');
            var j = eq + 2; // past ="
            var value = new System.Text.StringBuilder();
            while (text[j] != '"')
            {
                if (text[j] == '\\') { j++; value.Append(text[j] == 'n' ? '\n' : text[j]); }
                else value.Append(text[j]);
                j++;
            }
            labels[key] = value.ToString();
            i = j + 1;
        }
    }
}
