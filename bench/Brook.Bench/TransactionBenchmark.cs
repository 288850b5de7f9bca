using System.Diagnostics;
using Confluent.Kafka;

namespace Brook.Bench;

/// <summary>
/// Transactional producer throughput: N back-to-back transactions (BeginTransaction, --txn-records records,
/// CommitTransaction) from one producer, reporting transactions/s, records/s and the latency of CommitTransaction —
/// which covers flushing the transaction's records, EndTxn and the coordinator's PrepareCommit write (the markers are
/// written after the client is answered).
/// </summary>
public static class TransactionBenchmark
{
    public static async Task<int> RunAsync(BenchOptions o)
    {
        await ProduceBenchmark.EnsureTopicAsync(o).ConfigureAwait(false);

        var transactionalId = $"brook-bench-txn-{Guid.NewGuid():N}";
        var config = new ProducerConfig
        {
            BootstrapServers = o.Bootstrap,
            TransactionalId = transactionalId, // implies enable.idempotence and acks=all
            CompressionType = o.Compression,
            LingerMs = o.LingerMs,
            // Commit surfaces any failed record of the transaction, so per-record delivery reports are not needed.
            EnableDeliveryReports = false,
        };
        if (o.BatchSize is { } batchSize) config.BatchSize = batchSize;

        var payload = new byte[o.RecordSize];
        new Random(42).NextBytes(payload);
        var message = new Message<Null, byte[]> { Value = payload }; // Confluent copies on Produce, so one instance serves all

        Console.WriteLine($"txn: {o.Transactions:N0} transactions x {o.TxnRecords} records x {o.RecordSize} B to '{o.Topic}' at {o.Bootstrap}; " +
                          $"compression={o.Compression}, linger.ms={o.LingerMs}, batch.size={o.BatchSize?.ToString() ?? "default"}, transactional.id={transactionalId}");

        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        var init = Stopwatch.StartNew();
        producer.InitTransactions(TimeSpan.FromSeconds(60));
        Console.WriteLine($"  InitTransactions took {init.Elapsed.TotalMilliseconds:F1} ms");

        var commitLatencies = new long[o.Transactions];
        var transactionLatencies = new long[o.Transactions];
        var clock = Stopwatch.StartNew();
        var lastReport = clock.Elapsed;
        for (var t = 0; t < o.Transactions; t++)
        {
            var began = Stopwatch.GetTimestamp();
            producer.BeginTransaction();
            for (var i = 0; i < o.TxnRecords; i++)
            {
                while (true)
                {
                    try
                    {
                        producer.Produce(o.Topic, message);
                        break;
                    }
                    catch (ProduceException<Null, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(10));
                    }
                }
            }
            var committing = Stopwatch.GetTimestamp();
            try
            {
                producer.CommitTransaction(TimeSpan.FromSeconds(60));
            }
            catch (KafkaException ex)
            {
                Console.WriteLine($"  FAILED: transaction {t:N0} did not commit: {ex.Error}");
                return 1;
            }
            var done = Stopwatch.GetTimestamp();
            commitLatencies[t] = done - committing;
            transactionLatencies[t] = done - began;
            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(5))
            {
                lastReport = clock.Elapsed;
                Console.WriteLine($"  ... {t + 1:N0} transactions committed, {clock.Elapsed.TotalSeconds:F1} s");
            }
        }
        clock.Stop();

        var seconds = clock.Elapsed.TotalSeconds;
        var records = (long)o.Transactions * o.TxnRecords;
        var mb = records * (double)o.RecordSize / (1024 * 1024);
        Console.WriteLine($"  elapsed {seconds:F2} s: {o.Transactions / seconds:N1} transactions/s, {records / seconds:N0} records/s, {mb / seconds:F2} MB/s");
        var c = Percentiles.Compute(commitLatencies, o.Transactions, 50, 99, 99.9, 100);
        Console.WriteLine($"  commit latency ms:      p50 {c[0]:F2}  p99 {c[1]:F2}  p99.9 {c[2]:F2}  max {c[3]:F2}");
        var w = Percentiles.Compute(transactionLatencies, o.Transactions, 50, 99, 99.9, 100);
        Console.WriteLine($"  transaction latency ms: p50 {w[0]:F2}  p99 {w[1]:F2}  p99.9 {w[2]:F2}  max {w[3]:F2} (begin to commit returned)");
        return 0;
    }
}
