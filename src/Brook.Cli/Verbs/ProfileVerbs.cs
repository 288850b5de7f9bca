using System.CommandLine;
using System.Text.Json.Nodes;

namespace Brook.Cli.Verbs;

/// <summary><c>brook profile show|set|list</c>: the small file of client settings (<see cref="ClientProfile"/>) a user keeps per cluster.</summary>
public static class ProfileVerbs
{
    /// <summary>The <c>profile</c> command and its verbs.</summary>
    public static Command Build(GlobalOptions global)
    {
        var profile = new Command("profile", "Keep client settings (bootstrap.servers, security.*, sasl.*) per cluster in ~/.config/brook");
        profile.Add(Show(global));
        profile.Add(Set(global));
        profile.Add(List(global));
        return profile;
    }

    private static Command Show(GlobalOptions global)
    {
        var command = new Command("show", "Show the settings in effect and where the bootstrap servers come from");
        global.Handle(command, (_, cli, _) =>
        {
            var shown = cli.ClientProperties.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => (p.Key, Value: IsSecret(p.Key) ? "(hidden)" : p.Value)).ToList();
            if (cli.Output.Json)
            {
                var properties = new JsonObject();
                foreach (var (key, value) in shown) properties[key] = value;
                cli.Output.Document(new JsonObject
                {
                    ["profile"] = cli.Profile.Name,
                    ["file"] = cli.Profile.FilePath,
                    ["exists"] = cli.Profile.Exists,
                    ["bootstrap"] = cli.Bootstrap,
                    ["bootstrap_source"] = cli.BootstrapSource,
                    ["properties"] = properties,
                });
            }
            else
            {
                cli.Output.Line($"Profile {cli.Profile.Name} ({cli.Profile.FilePath}{(cli.Profile.Exists ? "" : ", not created yet")}); bootstrap {cli.Bootstrap} from {cli.BootstrapSource}");
                cli.Output.Table(["PROPERTY", "VALUE"], shown.Select(p => (IReadOnlyList<string>)[p.Key, p.Value]));
            }
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Set(GlobalOptions global)
    {
        var settings = new Argument<string[]>("setting") { Description = "key=value to store (key= with no value removes the key)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("set", "Store client properties in the profile (created if missing)") { settings };
        global.Handle(command, (result, cli, _) =>
        {
            var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (key, value) in result.GetRequiredValue(settings).Select(s => KeyValue.Parse(s, "profile set")))
                changes[key] = value.Length == 0 ? null : value;
            var saved = cli.Profile.With(changes);
            if (cli.Output.Json) cli.Output.Document(new JsonObject { ["profile"] = saved.Name, ["file"] = saved.FilePath, ["keys"] = saved.Properties.Count });
            else cli.Output.Line($"Saved profile {saved.Name} ({saved.FilePath}).");
            return Task.FromResult(ExitCodes.Ok);
        }, createsProfile: true);
        return command;
    }

    private static Command List(GlobalOptions global)
    {
        var command = new Command("list", "List the stored profiles");
        global.Handle(command, (_, cli, _) =>
        {
            var folder = ClientProfile.Folder();
            var names = Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*.properties").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToList()
                : [];
            if (cli.Output.Json) cli.Output.Document(new JsonArray(names.Select(n => (JsonNode)new JsonObject { ["profile"] = n, ["active"] = n == cli.Profile.Name }).ToArray()));
            else cli.Output.Table(["PROFILE", "ACTIVE"], names.Select(n => (IReadOnlyList<string>)[n, n == cli.Profile.Name ? "yes" : ""]));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static bool IsSecret(string key) => key.Contains("password", StringComparison.OrdinalIgnoreCase)
        || key.Contains("secret", StringComparison.OrdinalIgnoreCase) || key.EndsWith(".key", StringComparison.Ordinal);
}
