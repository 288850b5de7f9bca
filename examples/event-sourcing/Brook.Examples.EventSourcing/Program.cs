using Brook.Examples.EventSourcing;

// dotnet run --project examples/event-sourcing/Brook.Examples.EventSourcing -- [--bootstrap-servers HOST:PORT] [--urls http://127.0.0.1:5080]
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var options = new BankAccountsOptions { BootstrapServers = Option("--bootstrap-servers", "127.0.0.1:9092") };
var app = BankAccountsService.Build(options, args);
if (!args.Contains("--urls")) app.Urls.Add("http://127.0.0.1:5080");
await app.RunAsync();
