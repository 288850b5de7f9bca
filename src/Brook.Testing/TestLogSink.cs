using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Brook.Testing;

/// <summary>
/// Routes a test broker's log to a line callback and keeps the most recent lines, so a failed start-up can show them
/// in its exception even when the callback is null (xUnit drops console output).
/// </summary>
internal sealed class TestLogSink(string prefix, Action<string>? write, LogLevel minimum) : ILoggerProvider
{
    private const int KeptLines = 200;
    private readonly ConcurrentQueue<string> _recent = new();
    private readonly LogLevel _minimum = minimum;

    /// <summary>The last lines written (at most 200), oldest first.</summary>
    public string Recent => string.Join(Environment.NewLine, _recent);

    public void Configure(ILoggingBuilder logging)
    {
        logging.SetMinimumLevel(LogLevel.Trace);
        logging.AddProvider(this);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:HH:mm:ss.fff} {prefix} {Abbreviation(level)} {category}: {message}{(exception is null ? "" : Environment.NewLine + exception)}");
        _recent.Enqueue(line);
        while (_recent.Count > KeptLines) _recent.TryDequeue(out _);
        if (level < _minimum || write is null) return;
        try
        {
            write(line);
        }
        catch (InvalidOperationException)
        {
            // xUnit's ITestOutputHelper refuses lines once its test has finished; a broker outliving the test may still log.
        }
    }

    private static string Abbreviation(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class Logger(TestLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        // Information and above are kept for failure reports whatever the callback's level.
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information || logLevel >= sink._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            sink.Write(logLevel, category, formatter(state, exception), exception);
        }
    }
}
