using System.Globalization;
using System.Text;

namespace Brook.Server.Tests.Metrics;

/// <summary>One sample line of a Prometheus text exposition: its name, labels (unescaped), the raw label text and value.</summary>
internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, string RawLabels, double Value);

/// <summary>
/// A parsed Prometheus text exposition (format 0.0.4): the sample lines and the HELP / TYPE comments, so tests can ask
/// for one series by name and labels instead of comparing whole texts.
/// </summary>
internal sealed class Exposition
{
    private Exposition(List<Sample> samples, Dictionary<string, string> types, Dictionary<string, string> help, List<string> typeLines)
    {
        Samples = samples;
        Types = types;
        Help = help;
        TypeLines = typeLines;
    }

    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>The family name → its TYPE ("counter", "gauge", "histogram").</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>The family name → its HELP text as written (still escaped).</summary>
    public IReadOnlyDictionary<string, string> Help { get; }

    /// <summary>The family names of every TYPE line, in order (to spot a family written twice).</summary>
    public IReadOnlyList<string> TypeLines { get; }

    public static Exposition Parse(string text)
    {
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        var typeLines = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line["# HELP ".Length..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                help[rest[..space]] = rest[(space + 1)..];
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line["# TYPE ".Length..].Split(' ');
                Assert.Equal(2, parts.Length);
                types[parts[0]] = parts[1];
                typeLines.Add(parts[0]);
                continue;
            }
            Assert.False(line.StartsWith('#'), $"unexpected comment line: {line}");
            samples.Add(ParseSample(line));
        }
        return new Exposition(samples, types, help, typeLines);
    }

    /// <summary>Every sample of <paramref name="name"/>.</summary>
    public IEnumerable<Sample> Series(string name) => Samples.Where(s => s.Name == name);

    /// <summary>The samples of <paramref name="name"/> whose label set is exactly <paramref name="labels"/>.</summary>
    public IEnumerable<Sample> Matching(string name, params (string Key, string Value)[] labels) =>
        Series(name).Where(s => s.Labels.Count == labels.Length && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value));

    /// <summary>The one sample of <paramref name="name"/> with exactly <paramref name="labels"/>; fails if there is none or several.</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var found = Matching(name, labels).ToList();
        Assert.True(found.Count == 1,
            $"expected one series {name}{{{string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}}, found {found.Count} in:\n{string.Join("\n", Series(name).Select(s => s.Name + "{" + s.RawLabels + "} " + s.Value))}");
        return found[0].Value;
    }

    public bool Has(string name, params (string Key, string Value)[] labels) => Matching(name, labels).Any();

    private static Sample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var raw = "";
        if (i < line.Length && line[i] == '{')
        {
            var start = ++i;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var key = line[i..eq];
                Assert.Equal('"', line[eq + 1]);
                i = eq + 2;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch
                        {
                            'n' => '\n',
                            '\\' => '\\',
                            '"' => '"',
                            var c => throw new FormatException($"bad escape \\{c} in: {line}"),
                        });
                    }
                    else value.Append(line[i]);
                    i++;
                }
                i++; // closing quote
                Assert.True(labels.TryAdd(key, value.ToString()), $"label {key} repeated in: {line}");
                if (line[i] == ',') i++;
            }
            raw = line[start..i];
            i++; // closing brace
        }
        Assert.Equal(' ', line[i]);
        var number = line[(i + 1)..];
        var parsed = number switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, raw, parsed);
    }
}
