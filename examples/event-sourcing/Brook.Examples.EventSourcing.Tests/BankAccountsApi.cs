using System.Net;
using System.Net.Http.Json;
using Brook.Testing;
using Xunit;

namespace Brook.Examples.EventSourcing.Tests;

/// <summary>A running instance of the service and an HTTP client for it, the way a caller sees it.</summary>
internal sealed class BankAccountsApi : IAsyncDisposable
{
    private BankAccountsApi(BankAccountsService service)
    {
        Service = service;
        Http = new HttpClient { BaseAddress = new Uri(service.Url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public BankAccountsService Service { get; }

    public HttpClient Http { get; }

    /// <summary>Options with topics and group of their own, so tests sharing a broker do not see each other's accounts.</summary>
    public static BankAccountsOptions UniqueOptions(IBrookTestServer broker, IReadOnlyDictionary<string, string>? stateTopicConfig = null)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        return new BankAccountsOptions
        {
            BootstrapServers = broker.BootstrapServers,
            EventsTopic = $"account-events-{id}",
            StateTopic = $"account-state-{id}",
            ProjectorGroupId = $"account-projector-{id}",
            StateTopicConfig = stateTopicConfig ?? new Dictionary<string, string>(),
            // The projector answers within milliseconds; the margin is for a loaded CI machine.
            MaxReadYourWritesWait = TimeSpan.FromSeconds(15),
        };
    }

    /// <summary>Starts an instance and returns once <c>GET /health/ready</c> answers 200, with what that answer said.</summary>
    public static async Task<(BankAccountsApi Api, Readiness Ready)> StartAsync(BankAccountsOptions options)
    {
        var api = new BankAccountsApi(await BankAccountsService.StartAsync(options));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await api.Http.GetAsync("/health/ready");
            var readiness = await response.Content.ReadFromJsonAsync<Readiness>(AccountJson.Options);
            if (response.StatusCode == HttpStatusCode.OK) return (api, readiness!);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(readiness!.Phase != ProjectionPhase.Failed, $"the projector failed: {readiness.Error}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not ready after 30 s: {readiness.Phase}");
            await Task.Delay(50);
        }
    }

    public async Task<CommandReceipt> OpenAsync(string id)
    {
        using var response = await Http.PostAsync($"/accounts/{id}", content: null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CommandReceipt>(AccountJson.Options))!;
    }

    public async Task<CommandReceipt> DepositAsync(string id, decimal amount) => await AcceptedAsync(await MoveAsync(id, "deposits", amount));

    public async Task<CommandReceipt> WithdrawAsync(string id, decimal amount) => await AcceptedAsync(await MoveAsync(id, "withdrawals", amount));

    /// <summary>POSTs a deposit or withdrawal and returns the raw response (for refusals).</summary>
    public Task<HttpResponseMessage> MoveAsync(string id, string kind, decimal amount) =>
        Http.PostAsJsonAsync($"/accounts/{id}/{kind}", new AmountRequest(amount), AccountJson.Options);

    /// <summary>GETs an account; with <paramref name="minVersion"/> the service waits until its read model has that version.</summary>
    public async Task<AccountState> GetAsync(string id, long? minVersion = null)
    {
        using var response = await Http.GetAsync(minVersion is { } v ? $"/accounts/{id}?minVersion={v}" : $"/accounts/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AccountState>(AccountJson.Options))!;
    }

    public async Task<IReadOnlyList<AccountState>> ListAsync() =>
        (await Http.GetFromJsonAsync<List<AccountState>>("/accounts", AccountJson.Options))!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Service.DisposeAsync();
    }

    private static async Task<CommandReceipt> AcceptedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return (await response.Content.ReadFromJsonAsync<CommandReceipt>(AccountJson.Options))!;
        }
    }
}
