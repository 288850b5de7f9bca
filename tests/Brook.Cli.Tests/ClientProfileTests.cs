using Brook.Cli;

namespace Brook.Cli.Tests;

[Collection(EnvironmentCollection.Name)]
public sealed class ClientProfileTests
{
    [Fact]
    public void The_default_profile_is_empty_until_written()
    {
        using var folder = new ProfileFolder();
        var profile = ClientProfile.Load(null);
        Assert.Equal(ClientProfile.DefaultName, profile.Name);
        Assert.False(profile.Exists);
        Assert.Empty(profile.Properties);
        Assert.Equal(Path.Combine(folder.Path, "default.properties"), profile.FilePath);
    }

    [Fact]
    public void Written_properties_read_back_exactly_even_with_characters_properties_files_escape()
    {
        using var folder = new ProfileFolder();
        var tricky = new Dictionary<string, string?>
        {
            ["bootstrap.servers"] = "a:9092,b:9092",
            ["sasl.password"] = "p=ss:w#rd\\with\ttab",
            ["client.id"] = " leading space",
            ["note"] = "#not a comment",
        };
        ClientProfile.Load("prod-eu", mayBeMissing: true).With(tricky);
        var read = ClientProfile.Load("prod-eu");
        Assert.True(read.Exists);
        foreach (var (key, value) in tricky) Assert.Equal(value, read.Properties[key]);
    }

    [Fact]
    public void A_null_value_removes_a_key_and_the_file_is_readable_by_its_owner_only()
    {
        using var folder = new ProfileFolder();
        var profile = ClientProfile.Load(null).With(new Dictionary<string, string?> { ["a"] = "1", ["b"] = "2" });
        profile.With(new Dictionary<string, string?> { ["a"] = null });
        var read = ClientProfile.Load(null);
        Assert.Equal(["b"], read.Properties.Keys);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(read.FilePath));
    }

    [Fact]
    public void BROOK_PROFILE_chooses_the_profile_when_none_is_named()
    {
        using var folder = new ProfileFolder();
        ClientProfile.Load("staging", mayBeMissing: true).With(new Dictionary<string, string?> { ["bootstrap.servers"] = "staging:9092" });
        Environment.SetEnvironmentVariable("BROOK_PROFILE", "staging");
        Assert.Equal("staging:9092", ClientProfile.Load(null).Properties["bootstrap.servers"]);
    }

    [Fact]
    public void A_named_profile_that_does_not_exist_is_a_usage_error_saying_how_to_create_it()
    {
        using var folder = new ProfileFolder();
        var error = Assert.Throws<CliException>(() => ClientProfile.Load("nowhere"));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("brook profile set --profile nowhere", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    public void A_profile_name_cannot_leave_the_profile_folder(string name)
    {
        using var folder = new ProfileFolder();
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => ClientProfile.Load(name)).ExitCode);
    }
}
