using NUnit.Framework;

namespace Brook.Testing.NUnit;

/// <summary>
/// Base class of an NUnit fixture whose tests share one <see cref="BrookTestBroker"/>: started before the first test
/// (OneTimeSetUp), disposed after the last. Override <see cref="Options"/> for other settings.
/// </summary>
public abstract class BrookBrokerTest : IBrookTestServer
{
    private BrookTestBroker? _broker;

    /// <summary>The running broker.</summary>
    protected BrookTestBroker Broker => _broker ?? throw new InvalidOperationException("the broker starts in OneTimeSetUp");

    /// <inheritdoc />
    public string BootstrapServers => Broker.BootstrapServers;

    /// <summary>The options the broker starts with: warnings go to NUnit's progress output.</summary>
    protected virtual BrookTestOptions Options => new() { Log = TestContext.Progress.WriteLine };

    /// <summary>Starts the broker.</summary>
    [OneTimeSetUp]
    public async Task StartBrookBrokerAsync() => _broker = await BrookTestBroker.StartAsync(Options).ConfigureAwait(false);

    /// <summary>Stops the broker and deletes its temporary data.</summary>
    [OneTimeTearDown]
    public async Task StopBrookBrokerAsync()
    {
        if (_broker is not null) await _broker.DisposeAsync().ConfigureAwait(false);
        _broker = null;
    }
}
