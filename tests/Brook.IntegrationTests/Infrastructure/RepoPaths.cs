namespace Brook.IntegrationTests.Infrastructure;

/// <summary>Locates the repository and the broker executable built next to the tests.</summary>
public static class RepoPaths
{
    /// <summary>Environment variable that points at a specific brook.dll, bypassing the search below.</summary>
    public const string BrookDllVariable = "BROOK_DLL";

    private const string TargetFramework = "net10.0";

    /// <summary>The folder containing Brook.slnx, found by walking up from the test assembly's directory.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>"Release" or "Debug": the configuration this test assembly was built in (read from its output path).</summary>
    public static string CurrentConfiguration { get; } = DetectConfiguration();

    /// <summary>
    /// Absolute path of brook.dll: $BROOK_DLL if set, else src/Brook.Host/bin/&lt;our configuration&gt;/net10.0/brook.dll,
    /// else the same under the other configuration. Throws with a build hint if none exists.
    /// </summary>
    public static string FindBrookDll()
    {
        var explicitPath = Environment.GetEnvironmentVariable(BrookDllVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            if (!File.Exists(explicitPath)) throw new FileNotFoundException($"{BrookDllVariable} points at a missing file", explicitPath);
            return Path.GetFullPath(explicitPath);
        }

        var other = CurrentConfiguration == "Release" ? "Debug" : "Release";
        var candidates = new[] { CurrentConfiguration, other }
            .Select(c => Path.Combine(RepoRoot, "src", "Brook.Host", "bin", c, TargetFramework, "brook.dll"))
            .ToArray();
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(
            "brook.dll not found; build the broker first (dotnet build Brook.slnx -c " + CurrentConfiguration + "). Looked at:\n  " +
            string.Join("\n  ", candidates));
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Brook.slnx"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No Brook.slnx above {AppContext.BaseDirectory}");
    }

    private static string DetectConfiguration()
    {
        // Output path is .../bin/<Configuration>/<tfm>/ for every project in this repository.
        var parts = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 3; i >= 0; i--)
        {
            if (parts[i] == "bin") return parts[i + 1];
        }
#if DEBUG
        return "Debug";
#else
        return "Release";
#endif
    }
}
