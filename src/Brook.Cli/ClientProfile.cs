using Brook.Common.Config;

namespace Brook.Cli;

/// <summary>
/// Named client settings kept in <c>~/.config/brook/NAME.properties</c> (Kafka .properties syntax, librdkafka keys such as
/// <c>bootstrap.servers</c>, <c>security.protocol</c>, <c>sasl.*</c>), so a user types a cluster's address once.
/// </summary>
/// <remarks>
/// The profile is <c>--profile NAME</c>, else <c>$BROOK_PROFILE</c>, else "default"; the folder is
/// <c>$BROOK_CONFIG_DIR</c>, else <c>$XDG_CONFIG_HOME/brook</c>, else <c>~/.config/brook</c>. A missing default profile is
/// simply empty; a profile asked for by name must exist.
/// </remarks>
public sealed class ClientProfile
{
    /// <summary>The profile everyone has without asking.</summary>
    public const string DefaultName = "default";

    private ClientProfile(string name, string path, bool exists, IReadOnlyDictionary<string, string> properties)
    {
        Name = name;
        FilePath = path;
        Exists = exists;
        Properties = properties;
    }

    /// <summary>The profile's name.</summary>
    public string Name { get; }

    /// <summary>Where the profile lives (whether or not it exists yet).</summary>
    public string FilePath { get; }

    /// <summary>Whether the file was there.</summary>
    public bool Exists { get; }

    /// <summary>The client properties in file order's last-wins sense.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>The folder holding every profile.</summary>
    public static string Folder()
    {
        if (Environment.GetEnvironmentVariable("BROOK_CONFIG_DIR") is { Length: > 0 } dir) return dir;
        if (Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg) return Path.Combine(xdg, "brook");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "brook");
    }

    /// <summary>
    /// Reads profile <paramref name="requested"/> (null: $BROOK_PROFILE or "default"); <paramref name="mayBeMissing"/> lets a
    /// named profile not exist yet, for the verb that creates it.
    /// </summary>
    public static ClientProfile Load(string? requested, bool mayBeMissing = false)
    {
        var name = requested ?? Environment.GetEnvironmentVariable("BROOK_PROFILE") ?? DefaultName;
        if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || name.StartsWith('.'))
            throw CliException.Usage($"invalid profile name '{name}': use letters, digits, '-' and '_'");
        var path = Path.Combine(Folder(), name + ".properties");
        if (!File.Exists(path))
        {
            if (requested is not null && name != DefaultName && !mayBeMissing) throw CliException.Usage($"profile '{name}' does not exist ({path}); create it with: brook profile set --profile {name} bootstrap.servers=HOST:PORT");
            return new ClientProfile(name, path, exists: false, new Dictionary<string, string>());
        }
        try
        {
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            // Trailing blanks are a classic invisible typo in .properties files; leading ones are already gone unless escaped.
            foreach (var entry in JavaProperties.Load(path)) properties[entry.Key] = entry.Value.TrimEnd();
            return new ClientProfile(name, path, exists: true, properties);
        }
        catch (ConfigException e)
        {
            throw CliException.Usage($"profile '{name}': {e.Message}");
        }
    }

    /// <summary>Writes this profile with <paramref name="changes"/> applied (a null value removes the key).</summary>
    public ClientProfile With(IReadOnlyDictionary<string, string?> changes)
    {
        var merged = new SortedDictionary<string, string>(Properties.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            if (value is null) merged.Remove(key);
            else merged[key] = value;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var text = $"# brook CLI profile '{Name}': librdkafka client properties{Environment.NewLine}" +
                   string.Concat(merged.Select(p => $"{Escape(p.Key, isKey: true)}={Escape(p.Value, isKey: false)}{Environment.NewLine}"));
        var temporary = FilePath + ".tmp";
        File.WriteAllText(temporary, text);
        // A profile may hold sasl.password and key paths: only its owner reads it, as ~/.netrc or ~/.pgpass.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, FilePath, overwrite: true);
        return new ClientProfile(Name, FilePath, exists: true, merged);
    }

    // The inverse of JavaProperties' unescaping for what a client property can hold.
    private static string Escape(string text, bool isKey)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\t': builder.Append(@"\t"); break;
                case '=' or ':' when isKey: builder.Append('\\').Append(c); break;
                case ' ' when isKey || i == 0: builder.Append(@"\ "); break;
                case '#' or '!' when i == 0: builder.Append('\\').Append(c); break;
                default: builder.Append(c); break;
            }
        }
        return builder.ToString();
    }
}
