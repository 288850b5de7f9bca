using Xunit;

namespace Brook.Testing.Xunit;

/// <summary>
/// One <see cref="BrookTestBroker"/> for a test class (<c>IClassFixture&lt;BrookBrokerFixture&gt;</c>) or a collection
/// (<c>ICollectionFixture</c>): started before the first test, disposed after the last. Derive and override
/// <see cref="Options"/> for other settings.
/// </summary>
public class BrookBrokerFixture : IAsyncLifetime, IBrookTestServer
{
    private BrookTestBroker? _broker;

    /// <summary>The running broker.</summary>
    public BrookTestBroker Broker => _broker ?? throw new InvalidOperationException("the fixture has not been initialised by xUnit");

    /// <inheritdoc />
    public string BootstrapServers => Broker.BootstrapServers;

    /// <summary>The options the broker starts with; the defaults unless overridden.</summary>
    protected virtual BrookTestOptions Options => new();

    /// <inheritdoc />
    public async Task InitializeAsync() => _broker = await BrookTestBroker.StartAsync(Options).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_broker is not null) await _broker.DisposeAsync().ConfigureAwait(false);
    }
}
