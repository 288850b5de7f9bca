using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// A Confluent.Kafka producer that sends a numbered stream ("n000000", "n000001", ...) round-robin over explicit
/// partitions from a background loop, at a steady pace, until stopped; every delivery report goes to an
/// <see cref="AcknowledgedRecordLedger"/>. For fault tests: the fault happens while the stream runs.
/// </summary>
public sealed class NumberedStreamProducer : IAsyncDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly AcknowledgedRecordLedger _ledger;
    private readonly IReadOnlyList<TopicPartition> _partitions;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<int, string> _valueOf;
    private Task? _loop;
    private int _sent;

    /// <param name="valueOf">The value of record n (default <see cref="ValueOf"/>); another stream into the same
    /// partitions needs values of its own, e.g. <see cref="PaddedValueOf"/>.</param>
    public NumberedStreamProducer(ProducerConfig config, AcknowledgedRecordLedger ledger, IReadOnlyList<TopicPartition> partitions,
        Func<int, string>? valueOf = null)
    {
        _ledger = ledger;
        _partitions = partitions;
        _valueOf = valueOf ?? ValueOf;
        _producer = new ProducerBuilder<byte[]?, byte[]?>(config).SetErrorHandler((_, e) => ledger.RecordClientError(e)).Build();
    }

    /// <summary>Records handed to the client so far.</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>The value of record number <paramref name="n"/>; <see cref="NumberOf"/> is its inverse.</summary>
    public static string ValueOf(int n) => $"n{n:D6}";

    public static int NumberOf(string value) => int.Parse(value.AsSpan(1), CultureInfo.InvariantCulture);

    /// <summary>A value of <paramref name="size"/> bytes: <paramref name="prefix"/>, the number, then padding (a stream that fills a disk).</summary>
    public static Func<int, string> PaddedValueOf(char prefix, int size) => n => $"{prefix}{n:D6}".PadRight(size, '.');

    /// <summary>Starts sending <paramref name="perTick"/> records every <paramref name="tick"/> (a bounded rate, so a stall does not pile up an unbounded queue).</summary>
    public void Start(int perTick = 5, TimeSpan? tick = null)
    {
        var pause = tick ?? TimeSpan.FromMilliseconds(5);
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                for (var i = 0; i < perTick; i++)
                {
                    var n = _sent;
                    var message = new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes(_valueOf(n)) };
                    try
                    {
                        _producer.Produce(_partitions[n % _partitions.Count], message, _ledger.Record);
                        Interlocked.Increment(ref _sent);
                    }
                    catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        break; // the client's queue is full during a stall: try again next tick
                    }
                }
                try
                {
                    await Task.Delay(pause, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
    }

    /// <summary>Stops sending and waits up to <paramref name="flushTimeout"/> for every outstanding delivery report; returns how many are still outstanding.</summary>
    public async Task<int> StopAsync(TimeSpan flushTimeout)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        return await Task.Run(() => _producer.Flush(flushTimeout)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _producer.Dispose();
        _stop.Dispose();
    }
}
