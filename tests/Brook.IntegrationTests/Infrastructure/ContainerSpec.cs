using System.Text.RegularExpressions;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// What packaging/docker's Dockerfile and compose files hand the brook executable: the image's ENV and each compose
/// service's environment. Parses exactly the plain forms those files use (ENV KEY=VALUE with continuation lines; a
/// service's <c>environment:</c> map of <c>KEY: "value"</c>), so a test can run the image's entrypoint the way the
/// container engine would, without one.
/// </summary>
public static partial class ContainerSpec
{
    public static string DockerDirectory => Path.Combine(RepoPaths.RepoRoot, "packaging", "docker");

    /// <summary>The ENV variables of the Dockerfile's last stage (the runtime image).</summary>
    public static Dictionary<string, string> ImageEnvironment(string dockerfile = "Dockerfile")
    {
        var text = File.ReadAllText(Path.Combine(DockerDirectory, dockerfile)).Replace("\\\n", " ", StringComparison.Ordinal);
        var lines = text.Split('\n');
        int lastFrom = Array.FindLastIndex(lines, l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(lastFrom).Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)))
        {
            foreach (Match m in EnvPair().Matches(line[4..])) result[m.Groups[1].Value] = m.Groups[2].Value.Trim('"');
        }
        return result;
    }

    /// <summary>The <c>ENTRYPOINT</c> exec form and the <c>HEALTHCHECK ... CMD</c> exec form of the Dockerfile.</summary>
    public static (IReadOnlyList<string> Entrypoint, IReadOnlyList<string> Healthcheck) Commands(string dockerfile = "Dockerfile")
    {
        var text = File.ReadAllText(Path.Combine(DockerDirectory, dockerfile));
        return (ExecForm(EntrypointLine().Match(text).Groups[1].Value), ExecForm(HealthcheckLine().Match(text).Groups[1].Value));
    }

    /// <summary>Each service of a compose file with its environment, in file order.</summary>
    public static List<(string Service, Dictionary<string, string> Environment)> ComposeServices(string composeFile)
    {
        var services = new List<(string, Dictionary<string, string>)>();
        bool inServices = false, inEnvironment = false;
        foreach (var raw in File.ReadLines(Path.Combine(DockerDirectory, composeFile)))
        {
            if (raw.TrimStart().StartsWith('#') || raw.Trim().Length == 0) continue;
            int indent = raw.Length - raw.TrimStart().Length;
            var line = raw.Trim();
            if (indent == 0)
            {
                inServices = line == "services:";
                inEnvironment = false;
            }
            else if (inServices && indent == 2 && line.EndsWith(':'))
            {
                services.Add((line[..^1], new Dictionary<string, string>(StringComparer.Ordinal)));
                inEnvironment = false;
            }
            else if (inServices && indent == 4)
            {
                inEnvironment = line == "environment:";
            }
            else if (inEnvironment && indent == 6)
            {
                int colon = line.IndexOf(':');
                services[^1].Item2[line[..colon]] = line[(colon + 1)..].Trim().Trim('"');
            }
        }
        return services;
    }

    private static List<string> ExecForm(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<List<string>>(json) ?? throw new InvalidDataException("not an exec form: " + json);

    [GeneratedRegex(@"([A-Z_][A-Z0-9_]*)=(""[^""]*""|\S+)")]
    private static partial Regex EnvPair();

    [GeneratedRegex(@"^ENTRYPOINT\s+(\[.*\])\s*$", RegexOptions.Multiline)]
    private static partial Regex EntrypointLine();

    [GeneratedRegex(@"^HEALTHCHECK\s.*?CMD\s+(\[.*\])\s*$", RegexOptions.Multiline)]
    private static partial Regex HealthcheckLine();
}
