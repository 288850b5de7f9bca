using System.Text.RegularExpressions;
using Brook.Common.Config;

namespace Brook.Common.Tests.Config;

/// <summary>
/// config/server.properties, shipped in the tarball and the image, shows each setting it mentions commented out with
/// its default; these tests keep those defaults true to the catalogue.
/// </summary>
public partial class ShippedServerPropertiesTests
{
    private static readonly string FilePath = Path.Combine(RepositoryRoot(), "config", "server.properties");

    [Fact]
    public void TheFileAsShippedIsTheDefaultConfiguration()
    {
        var shipped = new BrokerConfigBuilder().AddPropertiesFile(FilePath).Build();
        var defaults = new BrokerConfigBuilder().Build();
        foreach (var def in BrokerConfigDefs.All) Assert.Equal(defaults.GetString(def.Name), shipped.GetString(def.Name));
    }

    [Fact]
    public void EveryCommentedSettingIsAKnownKeyWithItsDefault()
    {
        var settings = CommentedSettings().ToList();
        Assert.True(settings.Count >= 20, $"only {settings.Count} commented settings in {FilePath}");
        foreach (var (key, value) in settings)
        {
            var def = BrokerConfigDefs.Find(key);
            Assert.True(def is not null, $"{key} in config/server.properties is not a broker key");
            var expected = def.DefaultValue is null ? "" : ConfigDef.Format(def.DefaultValue) ?? "";
            Assert.True(expected == value, $"config/server.properties shows {key}={value}, the default is '{expected}'");
        }

        // Uncommented, the same lines must load (valid values) and change nothing.
        var text = string.Join('\n', settings.Where(s => s.Value.Length > 0).Select(s => $"{s.Key}={s.Value}"));
        var uncommented = new BrokerConfigBuilder().AddPropertiesText(text, "uncommented").Build();
        var defaults = new BrokerConfigBuilder().Build();
        foreach (var (key, _) in settings) Assert.Equal(defaults.GetString(key), uncommented.GetString(key));
    }

    private static IEnumerable<(string Key, string Value)> CommentedSettings()
    {
        foreach (var line in File.ReadLines(FilePath))
        {
            var match = Setting().Match(line);
            if (match.Success) yield return (match.Groups[1].Value, match.Groups[2].Value.Trim());
        }
    }

    [GeneratedRegex(@"^#([a-z][a-z0-9._-]*)=(.*)$")]
    private static partial Regex Setting();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Brook.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("Brook.slnx not found above " + AppContext.BaseDirectory);
    }
}
