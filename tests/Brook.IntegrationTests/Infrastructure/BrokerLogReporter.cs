namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// Copies the broker output produced while one test ran into that test's output, so a failing test shows what the
/// broker said (xunit prints test output for failures). Create in the test class constructor, dispose at the end.
/// </summary>
public sealed class BrokerLogReporter : IDisposable
{
    private const int MaxChars = 64 * 1024;

    private readonly BrokerProcess _broker;
    private readonly ITestOutputHelper _output;
    private readonly int _start;

    public BrokerLogReporter(BrokerProcess broker, ITestOutputHelper output)
    {
        _broker = broker;
        _output = output;
        _start = broker.LogLength;
    }

    public void Dispose() => Write(_output, _broker.LogSince(_start));

    /// <summary>Writes <paramref name="log"/> (tail-truncated to 64 KiB) to the test output under a header naming <paramref name="source"/>.</summary>
    public static void Write(ITestOutputHelper output, string log, string source = "broker")
    {
        if (log.Length > MaxChars) log = "... (truncated) ...\n" + log[^MaxChars..];
        try
        {
            output.WriteLine($"--- {source} output during this test ---");
            output.WriteLine(log.Length == 0 ? "(nothing)" : log);
        }
        catch (InvalidOperationException)
        {
            // the test already finished reporting; nothing sensible left to do
        }
    }
}
