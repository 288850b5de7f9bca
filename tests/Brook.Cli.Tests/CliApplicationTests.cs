using Brook.Cli;

namespace Brook.Cli.Tests;

[Collection(EnvironmentCollection.Name)]
public sealed class CliApplicationTests
{
    [Theory]
    [InlineData("topic list")]
    [InlineData("--json group list")]
    [InlineData("-b host:9092 cluster info")]
    [InlineData("--bootstrap=host:9092 -v consume t")]
    [InlineData("--timeout 5 perf produce")]
    [InlineData("profile")]
    public void Client_verbs_after_any_global_options_are_cli_invocations(string commandLine) => Assert.True(CliApplication.IsCliInvocation(Split(commandLine)));

    [Theory]
    [InlineData("")]
    [InlineData("--config server.properties")]
    [InlineData("--override log.dirs=/data")]
    [InlineData("-b topic")]
    [InlineData("server.properties")]
    public void The_brokers_own_command_lines_are_not(string commandLine) => Assert.False(CliApplication.IsCliInvocation(Split(commandLine)));

    [Theory]
    [InlineData("topic frobnicate")]
    [InlineData("topic create")]
    [InlineData("topic create t --partitions many")]
    [InlineData("consume")]
    [InlineData("produce t --no-such-option")]
    public async Task A_wrong_command_line_exits_2_with_a_message_and_a_pointer_to_help(string commandLine)
    {
        var args = Split(commandLine);
        using var folder = new ProfileFolder();
        var (code, output, error) = await RunAsync(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("brook: ", error, StringComparison.Ordinal);
        Assert.Contains("--help' for usage.", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task A_bad_value_found_by_a_verb_exits_2_before_anything_is_sent()
    {
        using var folder = new ProfileFolder();
        // Nothing listens on port 1: had the verb tried to connect it would exit 3, not 2.
        var (code, _, error) = await RunAsync(["-b", "127.0.0.1:1", "consume", "t", "--from", "soon"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--from expects", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_names_every_verb_and_exits_0()
    {
        using var folder = new ProfileFolder();
        var (code, output, _) = await RunAsync(["--help"]);
        Assert.Equal(ExitCodes.Ok, code);
        foreach (var verb in CliApplication.Verbs) Assert.Contains(verb, output, StringComparison.Ordinal);
        var (topicCode, topicHelp, _) = await RunAsync(["topic", "--help"]);
        Assert.Equal(ExitCodes.Ok, topicCode);
        foreach (var sub in new[] { "create", "list", "describe", "delete", "alter-config", "add-partitions" })
            Assert.Contains(sub, topicHelp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profile_set_then_show_reports_where_the_bootstrap_servers_come_from()
    {
        using var folder = new ProfileFolder();
        Assert.Equal(ExitCodes.Ok, (await RunAsync(["profile", "set", "bootstrap.servers=kafka-1:9092"])).Code);
        var (code, output, _) = await RunAsync(["--json", "profile", "show"]);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("kafka-1:9092", output, StringComparison.Ordinal);
        Environment.SetEnvironmentVariable("BROOK_BROKERS", "env-broker:9092");
        var (_, fromEnvironment, _) = await RunAsync(["--json", "profile", "show"]);
        Assert.Contains("env-broker:9092", fromEnvironment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profile_set_creates_a_named_profile_that_later_commands_can_use()
    {
        using var folder = new ProfileFolder();
        Assert.Equal(ExitCodes.Ok, (await RunAsync(Split("profile set --profile staging bootstrap.servers=staging-1:9092"))).Code);
        var (code, output, error) = await RunAsync(Split("--json profile show --profile staging"));
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("staging-1:9092", output, StringComparison.Ordinal);
        var (listCode, list, _) = await RunAsync(Split("--json profile list"));
        Assert.Equal(ExitCodes.Ok, listCode);
        Assert.Contains("\"staging\"", list, StringComparison.Ordinal);
    }

    private static string[] Split(string commandLine) => commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApplication.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
