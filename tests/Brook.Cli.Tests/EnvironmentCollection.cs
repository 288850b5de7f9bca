namespace Brook.Cli.Tests;

/// <summary>Tests that set BROOK_CONFIG_DIR, BROOK_PROFILE or BROOK_BROKERS: process-wide, so they never run side by side.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "process environment";
}

/// <summary>Points the CLI at a fresh profile folder for one test and puts the environment back afterwards.</summary>
public sealed class ProfileFolder : IDisposable
{
    private static readonly string[] Variables = ["BROOK_CONFIG_DIR", "BROOK_PROFILE", "BROOK_BROKERS"];
    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);

    public ProfileFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "brook-cli-tests-" + Guid.NewGuid().ToString("N"));
        Environment.SetEnvironmentVariable("BROOK_CONFIG_DIR", Path);
        Environment.SetEnvironmentVariable("BROOK_PROFILE", null);
        Environment.SetEnvironmentVariable("BROOK_BROKERS", null);
    }

    /// <summary>The folder (created only when a profile is written).</summary>
    public string Path { get; }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
