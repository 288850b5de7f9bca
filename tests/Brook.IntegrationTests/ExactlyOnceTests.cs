using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Brook.IntegrationTests.Infrastructure;
using Brook.IntegrationTests.Wire;
using Brook.Protocol.Messages;
using Confluent.Kafka;
using BrookError = Brook.Common.ErrorCode;

using static Brook.IntegrationTests.Wire.CoordinatorRetry;

namespace Brook.IntegrationTests;

/// <summary>
/// Exactly-once end to end under failure: a consume-transform-produce pipeline whose transformer crashes mid-transaction,
/// a broker SIGKILLed while transactions commit, and transactional requests that break the protocol's rules. Each test
/// owns its broker because it crashes things.
/// </summary>
[Trait("Category", "Broker")]
public sealed class ExactlyOnceTests
{
    private const int InputRecords = 10_000;
    private const int TransactionSize = 100;

    private static readonly TimeSpan TxnCallTimeout = TimeSpan.FromSeconds(30);

    private readonly ITestOutputHelper _output;

    public ExactlyOnceTests(ITestOutputHelper output)
    {
        Librdkafka.EnsureLoaded();
        _output = output;
    }

    /// <summary>
    /// Overrides of <see cref="TransactionBrokerFixture"/>, plus a low minimum session timeout so that a consumer which
    /// "crashed" (left without LeaveGroup) is evicted in seconds rather than the default 45.
    /// </summary>
    private static Task<BrokerProcess> StartBrokerAsync(string name) => BrokerProcess.StartAsync(name,
        "group.initial.rebalance.delay.ms=0",
        "group.min.session.timeout.ms=1000",
        "offsets.topic.num.partitions=3",
        "transaction.state.log.num.partitions=3",
        "transaction.abort.timed.out.transaction.cleanup.interval.ms=500");

    // ---------------------------------------------------------------------------------------------------------------
    // a. consume-transform-produce with a crashing transformer

    [Fact]
    public async Task TransformerCrashingMidTransactionStillWritesEveryInputRecordExactlyOnce()
    {
        await using var broker = await StartBrokerAsync("eos-ctp");
        try
        {
            var bootstrap = broker.BootstrapServers;
            var input = KafkaTestClient.UniqueTopic("eos-in");
            var output = KafkaTestClient.UniqueTopic("eos-out");
            await KafkaTestClient.CreateTopicAsync(bootstrap, input, 3);
            await KafkaTestClient.CreateTopicAsync(bootstrap, output, 3);
            var expected = SeedInput(bootstrap, input);

            var group = $"eos-{Guid.NewGuid():N}";
            var transactionalId = $"eos-transformer-{group}";
            var processed = 0;

            // Run 1 commits 30 transactions, then dies with an open transaction holding 50 output records and pending
            // offsets. Its producer stays alive as a zombie so we can prove the next instance fenced it.
            IProducer<byte[]?, byte[]?> zombie;
            using (var first = new Transformer(bootstrap, input, output, group, transactionalId))
            {
                processed += first.Run(maxRecords: 3_000);
                zombie = first.CrashMidTransaction(records: 50, keepProducerAlive: true);
            }
            using (zombie)
            {
                // Same transactional.id and group: InitTransactions bumps the epoch and aborts the zombie's transaction.
                using var second = new Transformer(bootstrap, input, output, group, transactionalId);
                var fenced = Assert.ThrowsAny<KafkaException>(() => zombie.CommitTransaction(TxnCallTimeout));
                Assert.True(fenced.Error.IsFatal || fenced.Error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch,
                    $"zombie commit: {fenced.Error}");

                // Run 2 resumes from the offsets of run 1's last committed transaction, commits 30 more, and dies
                // again, this time taking its producer down too (no EndTxn, no flush of anything else).
                processed += second.Run(maxRecords: 3_000);
                second.CrashMidTransaction(records: 50, keepProducerAlive: false);
            }
            using (var third = new Transformer(bootstrap, input, output, group, transactionalId))
            {
                processed += third.Run(maxRecords: int.MaxValue);
                third.Close();
            }
            Assert.Equal(InputRecords, processed);

            var committed = ReadAll(bootstrap, output, 3, IsolationLevel.ReadCommitted);
            AssertSameMultiset(expected, committed);
            // The two crashed transactions left 100 aborted records in the log; read_uncommitted must see them, which
            // shows the crashes really happened mid-transaction and read_committed really filtered them.
            Assert.Equal(InputRecords + 100, ReadAll(bootstrap, output, 3, IsolationLevel.ReadUncommitted).Count);
        }
        finally
        {
            BrokerLogReporter.Write(_output, broker.Log);
        }
    }

    /// <summary>Writes the input records k{i}/v{i} round-robin over 3 partitions; returns the expected transformed output.</summary>
    private static List<(string Key, string Value)> SeedInput(string bootstrap, string topic)
    {
        var expected = new List<(string, string)>(InputRecords);
        using var producer = KafkaTestClient.CreateProducer(KafkaTestClient.ProducerConfig(bootstrap));
        for (var i = 0; i < InputRecords; i++)
        {
            ProduceWithBackpressure(producer, new TopicPartition(topic, i % 3),
                new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes($"k{i}"), Value = Encoding.UTF8.GetBytes($"v{i}") });
            expected.Add(($"k{i}", Transform($"v{i}")));
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        return expected;
    }

    private static string Transform(string value) => "out-" + value;

    private static void AssertSameMultiset(List<(string Key, string Value)> expected, List<(string Key, string Value)> actual)
    {
        var counts = new Dictionary<(string, string), int>();
        foreach (var record in expected) counts[record] = counts.GetValueOrDefault(record) + 1;
        foreach (var record in actual) counts[record] = counts.GetValueOrDefault(record) - 1;
        var missing = counts.Where(c => c.Value > 0).Select(c => c.Key).ToList();
        var surplus = counts.Where(c => c.Value < 0).Select(c => c.Key).ToList();
        Assert.True(missing.Count == 0 && surplus.Count == 0,
            $"{missing.Count} records missing (e.g. {string.Join(", ", missing.Take(5))}), " +
            $"{surplus.Count} duplicated or foreign (e.g. {string.Join(", ", surplus.Take(5))}); read {actual.Count}, expected {expected.Count}");
    }

    /// <summary>
    /// One instance of the transformer application: a read_committed group consumer and a transactional producer that
    /// writes <see cref="Transform"/>ed records and the consumed offsets in transactions of <see cref="TransactionSize"/>.
    /// </summary>
    private sealed class Transformer : IDisposable
    {
        private readonly IConsumer<byte[]?, byte[]?> _consumer;
        private readonly string _output;
        private readonly Dictionary<TopicPartition, long> _nextOffsets = [];
        private IProducer<byte[]?, byte[]?>? _producer;
        private bool _consumerGone;

        public Transformer(string bootstrap, string input, string output, string group, string transactionalId)
        {
            _output = output;
            // The producer first: its InitTransactions aborts a dead predecessor's transaction, whose pending offsets
            // would otherwise keep the consumer's (require-stable) offset fetch waiting.
            _producer = TransactionalProducer(bootstrap, transactionalId);
            var config = KafkaTestClient.ConsumerConfig(bootstrap);
            config.GroupId = group;
            config.IsolationLevel = IsolationLevel.ReadCommitted;
            config.EnablePartitionEof = true;
            config.SessionTimeoutMs = 3000;
            config.HeartbeatIntervalMs = 500;
            _consumer = KafkaTestClient.CreateConsumer(config);
            _consumer.Subscribe(input);
        }

        private IProducer<byte[]?, byte[]?> Producer => _producer ?? throw new ObjectDisposedException(nameof(Transformer));

        /// <summary>
        /// Processes up to <paramref name="maxRecords"/> records in committed transactions, stopping early once every
        /// input partition is at its end. Returns how many records were committed.
        /// </summary>
        public int Run(int maxRecords)
        {
            var count = 0;
            var inTransaction = 0;
            var eof = new HashSet<int>();
            var deadline = Stopwatch.StartNew();
            Producer.BeginTransaction();
            while (count + inTransaction < maxRecords)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(40)) throw new TimeoutException($"transformer stalled after {count} records");
                var record = _consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (record is null) continue;
                if (record.IsPartitionEOF)
                {
                    eof.Add(record.Partition.Value);
                    if (eof.Count == 3 && _consumer.Assignment.Count == 3) break;
                    continue;
                }
                eof.Remove(record.Partition.Value);
                TransformOne(record);
                if (++inTransaction == TransactionSize)
                {
                    Commit();
                    count += inTransaction;
                    inTransaction = 0;
                    Producer.BeginTransaction();
                }
            }
            if (inTransaction > 0)
            {
                Commit();
                count += inTransaction;
            }
            else
            {
                Producer.AbortTransaction(TxnCallTimeout); // an empty transaction: nothing was added to it
            }
            return count;
        }

        /// <summary>
        /// Starts a transaction, transforms <paramref name="records"/> records, flushes them and sends the offsets into
        /// the transaction, then "crashes": the consumer goes without LeaveGroup or commit (Dispose without Close) and
        /// the transaction is neither committed nor aborted. The producer is either handed back alive (a zombie) or
        /// disposed as the process dying would.
        /// </summary>
        public IProducer<byte[]?, byte[]?> CrashMidTransaction(int records, bool keepProducerAlive)
        {
            var producer = Producer;
            producer.BeginTransaction();
            var done = 0;
            var deadline = Stopwatch.StartNew();
            while (done < records)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException($"only {done} records before the crash");
                var record = _consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (record is null || record.IsPartitionEOF) continue;
                TransformOne(record);
                done++;
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(10)));
            producer.SendOffsetsToTransaction(Offsets(), _consumer.ConsumerGroupMetadata, TxnCallTimeout);
            _consumer.Dispose();
            _consumerGone = true;
            _producer = null;
            if (keepProducerAlive) return producer;
            producer.Dispose();
            return producer;
        }

        /// <summary>Leaves the group cleanly (the last instance).</summary>
        public void Close()
        {
            _consumer.Close();
            _consumerGone = true;
        }

        public void Dispose()
        {
            if (!_consumerGone) _consumer.Dispose();
            _producer?.Dispose();
            _producer = null;
        }

        private void TransformOne(ConsumeResult<byte[]?, byte[]?> record)
        {
            var value = Transform(Encoding.UTF8.GetString(record.Message.Value!));
            ProduceWithBackpressure(Producer, new TopicPartition(_output, Partition.Any),
                new Message<byte[]?, byte[]?> { Key = record.Message.Key, Value = Encoding.UTF8.GetBytes(value) });
            _nextOffsets[record.TopicPartition] = record.Offset.Value + 1;
        }

        private void Commit()
        {
            Producer.SendOffsetsToTransaction(Offsets(), _consumer.ConsumerGroupMetadata, TxnCallTimeout);
            Producer.CommitTransaction(TxnCallTimeout);
        }

        /// <summary>The next offset to read of every partition this instance consumed from (its own bookkeeping, not Position).</summary>
        private List<TopicPartitionOffset> Offsets() =>
            _nextOffsets.Select(e => new TopicPartitionOffset(e.Key, e.Value)).ToList();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // b. SIGKILL of the broker while transactions commit

    private const int RecordsPerLoopTransaction = 6; // two per partition, so every commit needs three data markers

    private enum LoopOutcome
    {
        /// <summary>Records produced, CommitTransaction not (yet) called.</summary>
        Open,

        /// <summary>CommitTransaction called and not returned when the loop stopped.</summary>
        Committing,

        /// <summary>CommitTransaction returned success.</summary>
        Committed,

        /// <summary>CommitTransaction threw (and aborting afterwards failed too).</summary>
        CommitFailed,

        /// <summary>Something threw and the following AbortTransaction succeeded.</summary>
        Aborted,
    }

    /// <summary>
    /// Three SIGKILLs while a transactional producer commits in a loop: one at an arbitrary moment (usually with a
    /// commit in flight) and two the instant a CommitTransaction returns — EndTxn is answered once PrepareCommit is
    /// durable, so that is when the coordinator is writing the markers. After each restart the loop goes on.
    /// </summary>
    [Fact]
    public async Task BrokerKilledWhileCommittingLeavesNoPartialTransactionAndReadCommittedMovesOn()
    {
        await using var broker = await StartBrokerAsync("eos-kill");
        try
        {
            var bootstrap = broker.BootstrapServers;
            var topic = KafkaTestClient.UniqueTopic("eos-kill");
            await KafkaTestClient.CreateTopicAsync(bootstrap, topic, 3);

            var outcomes = new ConcurrentDictionary<int, LoopOutcome>();
            var errors = new ConcurrentQueue<string>();
            var committedCount = 0;
            var currentTransaction = 0;
            var killAfterTransaction = -1;
            using var commitReturned = new SemaphoreSlim(0);
            using var stop = new CancellationTokenSource();
            // A short transaction timeout: a transaction left open by a crash must not hold the LSO for a minute.
            var loopTransactionalId = $"eos-loop-{Guid.NewGuid():N}";
            var loopProducer = TransactionalProducer(bootstrap, loopTransactionalId, transactionTimeoutMs: 6000);
            var loop = Task.Run(() =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    Volatile.Write(ref currentTransaction, n);
                    try
                    {
                        loopProducer.BeginTransaction();
                        outcomes[n] = LoopOutcome.Open;
                        for (var j = 0; j < RecordsPerLoopTransaction; j++)
                        {
                            loopProducer.Produce(new TopicPartition(topic, j % 3),
                                new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes($"t{n}-{j}") });
                        }
                        outcomes[n] = LoopOutcome.Committing;
                        loopProducer.CommitTransaction(TimeSpan.FromSeconds(20));
                        outcomes[n] = LoopOutcome.Committed;
                        Interlocked.Increment(ref committedCount);
                        if (n == Volatile.Read(ref killAfterTransaction)) commitReturned.Release();
                    }
                    catch (KafkaException ex)
                    {
                        errors.Enqueue($"transaction {n} ({outcomes.GetValueOrDefault(n)}): {ex.Error} (fatal={ex.Error.IsFatal})");
                        if (outcomes.TryGetValue(n, out var state) && state == LoopOutcome.Committing) outcomes[n] = LoopOutcome.CommitFailed;
                        try
                        {
                            loopProducer.AbortTransaction(TimeSpan.FromSeconds(20));
                            outcomes[n] = LoopOutcome.Aborted;
                        }
                        catch (KafkaException abortError)
                        {
                            errors.Enqueue($"abort of transaction {n}: {abortError.Error} (fatal={abortError.Error.IsFatal}); loop stops");
                            return;
                        }
                    }
                }
            });

            var kills = 0;
            async Task KillAndRestartAsync()
            {
                broker.Kill();
                kills++;
                await broker.RestartAsync();
            }

            // 1: anywhere in the loop, once it is well under way.
            var waited = Stopwatch.StartNew();
            while (Volatile.Read(ref committedCount) < 20 && !loop.IsCompleted && waited.Elapsed < TimeSpan.FromSeconds(20))
                await Task.Delay(5);
            Assert.True(Volatile.Read(ref committedCount) >= 20, $"loop committed only {committedCount} transactions: {string.Join("; ", errors)}");
            await KillAndRestartAsync();

            // 2 and 3: right after a commit returned successfully.
            for (var round = 0; round < 2 && !loop.IsCompleted; round++)
            {
                Volatile.Write(ref killAfterTransaction, Volatile.Read(ref currentTransaction) + 10);
                if (!await commitReturned.WaitAsync(TimeSpan.FromSeconds(30))) break; // the loop died or is stuck
                await KillAndRestartAsync();
            }
            stop.Cancel();
            // librdkafka retries what was in flight against the restarted broker: it may still succeed, or fail.
            Assert.True(await Task.WhenAny(loop, Task.Delay(TimeSpan.FromSeconds(45))) == loop, "the commit loop did not stop");
            loopProducer.Dispose();
            _output.WriteLine($"{kills} kills; {committedCount} of {outcomes.Count} transactions committed; others: " +
                              $"[{string.Join(", ", outcomes.Where(o => o.Value != LoopOutcome.Committed).OrderBy(o => o.Key).Select(o => $"{o.Key}:{o.Value}"))}]; " +
                              $"errors: [{string.Join("; ", errors)}]");
            _output.WriteLine("transactions the restarted coordinator had to complete: " + string.Join(", ",
                System.Text.RegularExpressions.Regex.Matches(broker.Log, @"(\d+) to complete").Select(m => m.Groups[1].Value)));
            Assert.Equal(3, kills);

            // Not stuck: a transaction of another producer commits and a read_committed consumer sees it on every
            // partition, which needs every earlier transaction there decided (completed after restart or timed out).
            using (var probe = TransactionalProducer(bootstrap, $"eos-probe-{Guid.NewGuid():N}"))
            {
                probe.BeginTransaction();
                for (var p = 0; p < 3; p++) probe.Produce(new TopicPartition(topic, p), new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes($"probe-{p}") });
                probe.CommitTransaction(TxnCallTimeout);
            }
            var values = ReadCommittedUntil(bootstrap, topic, 3, v => v.StartsWith("probe-", StringComparison.Ordinal), markedPartitionsNeeded: 3);

            var seen = values.Where(v => v.StartsWith('t')).ToList();
            Assert.Equal(seen.Count, seen.Distinct().Count()); // no duplicates from retried batches
            var perTransaction = seen.GroupBy(v => int.Parse(v[1..v.IndexOf('-')], System.Globalization.CultureInfo.InvariantCulture))
                .ToDictionary(g => g.Key, g => g.Count());
            foreach (var (n, outcome) in outcomes)
            {
                var count = perTransaction.GetValueOrDefault(n);
                switch (outcome)
                {
                    case LoopOutcome.Committed:
                        Assert.True(count == RecordsPerLoopTransaction, $"committed transaction {n}: {count} of {RecordsPerLoopTransaction} records visible");
                        break;
                    case LoopOutcome.Committing or LoopOutcome.CommitFailed:
                        Assert.True(count is 0 or RecordsPerLoopTransaction, $"transaction {n} ({outcome}) is partial: {count} of {RecordsPerLoopTransaction}");
                        break;
                    default:
                        Assert.True(count == 0, $"transaction {n} ({outcome}) was never committed but {count} of its records are visible");
                        break;
                }
            }
            Assert.Empty(perTransaction.Keys.Except(outcomes.Keys));

            // The loop's transactional id itself is usable again after the restarts (InitTransactions resolves whatever
            // the crashes left of its last transaction).
            using (var again = TransactionalProducer(bootstrap, loopTransactionalId))
            {
                again.BeginTransaction();
                again.Produce(new TopicPartition(topic, 0), new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes("after") });
                again.CommitTransaction(TxnCallTimeout);
            }
            Assert.Contains("after", ReadCommittedUntil(bootstrap, topic, 3, v => v == "after", markedPartitionsNeeded: 1));
        }
        finally
        {
            BrokerLogReporter.Write(_output, broker.Log);
        }
    }

    /// <summary>
    /// read_committed from the beginning of every partition until records matching <paramref name="isMarker"/> were seen
    /// on <paramref name="markedPartitionsNeeded"/> distinct partitions; fails after 30 s, reporting what it saw.
    /// </summary>
    private static List<string> ReadCommittedUntil(string bootstrap, string topic, int partitions, Func<string, bool> isMarker,
        int markedPartitionsNeeded)
    {
        var config = KafkaTestClient.ConsumerConfig(bootstrap);
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        using var consumer = KafkaTestClient.CreateConsumer(config);
        consumer.Assign(KafkaTestClient.Partitions(topic, partitions).Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var values = new List<string>();
        var marked = new HashSet<int>();
        var deadline = Stopwatch.StartNew();
        while (marked.Count < markedPartitionsNeeded && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null || r.IsPartitionEOF) continue;
            var value = Encoding.UTF8.GetString(r.Message.Value!);
            values.Add(value);
            if (isMarker(value)) marked.Add(r.Partition.Value);
        }
        consumer.Close();
        Assert.True(marked.Count >= markedPartitionsNeeded,
            $"read_committed looks stuck: marker records seen on partitions [{string.Join(",", marked)}] of {markedPartitionsNeeded} needed, " +
            $"after reading {values.Count} records");
        return values;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // c. transactional requests that break the rules, over the raw protocol

    [Fact]
    public async Task InvalidTransactionalRequestsGetKafkasErrorCodesAndTheBrokerKeepsServing()
    {
        await using var broker = await StartBrokerAsync("eos-bad");
        try
        {
            var topic = KafkaTestClient.UniqueTopic("eos-bad");
            await KafkaTestClient.CreateTopicAsync(broker.BootstrapServers, topic, 1);
            using var client = await ProtocolClient.ConnectAsync(broker.Port);
            var transactionalId = $"raw-{Guid.NewGuid():N}";
            await WaitForCoordinatorAsync(client, FindCoordinatorRequest.KeyTypeTransaction, transactionalId);
            var (producerId, epoch) = await InitProducerIdAsync(client, transactionalId);

            // EndTxn with no transaction (state Empty): INVALID_TXN_STATE, for commit and abort, old and flexible versions.
            foreach (var (version, commit) in new (short, bool)[] { (0, true), (1, false), (3, true), (4, false) })
            {
                var end = await client.SendAsync<EndTxnRequest, EndTxnResponse>(new EndTxnRequest
                {
                    TransactionalId = transactionalId, ProducerId = producerId, ProducerEpoch = epoch, Committed = commit,
                }, version);
                Assert.True(end.ErrorCode == (short)BrookError.InvalidTxnState,
                    $"EndTxn v{version} commit={commit} without a transaction: error {end.ErrorCode}");
                await AssertStillServesAsync(client);
            }

            // A second InitProducerId for the id bumps the epoch; the old epoch is then fenced. AddPartitionsToTxn v2+
            // says PRODUCER_FENCED; v0-1 predate that code (KIP-588) and say INVALID_PRODUCER_EPOCH.
            var (sameProducerId, newEpoch) = await InitProducerIdAsync(client, transactionalId);
            Assert.Equal(producerId, sameProducerId);
            Assert.Equal(epoch + 1, newEpoch);
            foreach (var (version, expected) in new (short, BrookError)[]
                     {
                         (0, BrookError.InvalidProducerEpoch), (1, BrookError.InvalidProducerEpoch),
                         (2, BrookError.ProducerFenced), (3, BrookError.ProducerFenced),
                     })
            {
                var errors = await AddPartitionAsync(client, transactionalId, producerId, epoch, topic, version);
                Assert.True(errors.Count == 1 && errors[0] == (short)expected,
                    $"AddPartitionsToTxn v{version} with stale epoch {epoch}: errors [{string.Join(",", errors)}], expected {(short)expected}");
                await AssertStillServesAsync(client);
            }
            // The same with the current epoch works, and the transaction commits.
            Assert.Equal((short)BrookError.None, Assert.Single(await AddPartitionAsync(client, transactionalId, producerId, newEpoch, topic, 3)));
            Assert.Equal((short)BrookError.None, await EndTxnAsync(client, transactionalId, producerId, newEpoch, commit: true));

            // TxnOffsetCommit v3 carrying a generation for a group that has none (it does not even exist): ILLEGAL_GENERATION.
            var emptyGroup = $"raw-group-{Guid.NewGuid():N}";
            await WaitForCoordinatorAsync(client, FindCoordinatorRequest.KeyTypeGroup, emptyGroup);
            Assert.Equal((short)BrookError.None, await AddOffsetsAsync(client, transactionalId, producerId, newEpoch, emptyGroup));
            var unknownGeneration = await TxnOffsetCommitAsync(client, transactionalId, producerId, newEpoch, emptyGroup, topic,
                generationId: 5, memberId: "");
            Assert.True(unknownGeneration == (short)BrookError.IllegalGeneration, $"TxnOffsetCommit with generation 5 of an unknown group: error {unknownGeneration}");
            await AssertStillServesAsync(client);

            // And for a live group: a member of generation g sending g+1 gets ILLEGAL_GENERATION, while g is accepted.
            var liveGroup = $"raw-group-{Guid.NewGuid():N}";
            await WaitForCoordinatorAsync(client, FindCoordinatorRequest.KeyTypeGroup, liveGroup);
            using var member = await RawGroupMember.JoinAloneAsync(broker.Port, liveGroup, topic, 1);
            Assert.Equal((short)BrookError.None, await AddOffsetsAsync(client, transactionalId, producerId, newEpoch, liveGroup));
            var wrongGeneration = await TxnOffsetCommitAsync(client, transactionalId, producerId, newEpoch, liveGroup, topic,
                generationId: member.GenerationId + 1, memberId: member.MemberId);
            Assert.True(wrongGeneration == (short)BrookError.IllegalGeneration,
                $"TxnOffsetCommit with generation {member.GenerationId + 1} of a group at {member.GenerationId}: error {wrongGeneration}");
            Assert.Equal((short)BrookError.None, await TxnOffsetCommitAsync(client, transactionalId, producerId, newEpoch, liveGroup, topic,
                generationId: member.GenerationId, memberId: member.MemberId));
            Assert.Equal((short)BrookError.None, await EndTxnAsync(client, transactionalId, producerId, newEpoch, commit: false));
            await AssertStillServesAsync(client);

            // Real clients are still served: a plain produce/consume round trip and a whole transaction.
            await KafkaTestClient.AssertProduceConsumeWorksAsync(broker.BootstrapServers);
            using (var producer = TransactionalProducer(broker.BootstrapServers, $"eos-after-{Guid.NewGuid():N}"))
            {
                producer.BeginTransaction();
                producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes("after-bad-input") });
                producer.CommitTransaction(TxnCallTimeout);
            }
            Assert.Contains("after-bad-input", ReadCommittedUntil(broker.BootstrapServers, topic, 1, v => v == "after-bad-input", markedPartitionsNeeded: 1));
        }
        finally
        {
            BrokerLogReporter.Write(_output, broker.Log);
        }
    }


    private static async Task<(long ProducerId, short Epoch)> InitProducerIdAsync(ProtocolClient client, string transactionalId)
    {
        var response = await RetryAsync(
            () => client.SendAsync<InitProducerIdRequest, InitProducerIdResponse>(
                new InitProducerIdRequest { TransactionalId = transactionalId, TransactionTimeoutMs = 60_000 }, 4),
            r => r.ErrorCode);
        Assert.True(response.ErrorCode == (short)BrookError.None, $"InitProducerId: error {response.ErrorCode}");
        return (response.ProducerId, response.ProducerEpoch);
    }

    private static async Task<List<short>> AddPartitionAsync(ProtocolClient client, string transactionalId, long producerId, short epoch,
        string topic, short version)
    {
        var response = await RetryAsync(
            () => client.SendAsync<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>(new AddPartitionsToTxnRequest
            {
                Transactions =
                [
                    new AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction
                    {
                        TransactionalId = transactionalId, ProducerId = producerId, ProducerEpoch = epoch,
                        Topics = [new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = topic, Partitions = [0] }],
                    },
                ],
            }, version),
            r => r.ResultsByTransaction.SelectMany(t => t.TopicResults).SelectMany(t => t.ResultsByPartition)
                .Select(p => p.PartitionErrorCode).FirstOrDefault());
        return response.ResultsByTransaction.SelectMany(t => t.TopicResults).SelectMany(t => t.ResultsByPartition)
            .Select(p => p.PartitionErrorCode).ToList();
    }

    private static async Task<short> EndTxnAsync(ProtocolClient client, string transactionalId, long producerId, short epoch, bool commit) =>
        (await RetryAsync(
            () => client.SendAsync<EndTxnRequest, EndTxnResponse>(new EndTxnRequest
            {
                TransactionalId = transactionalId, ProducerId = producerId, ProducerEpoch = epoch, Committed = commit,
            }, 3),
            r => r.ErrorCode)).ErrorCode;

    private static async Task<short> AddOffsetsAsync(ProtocolClient client, string transactionalId, long producerId, short epoch, string group) =>
        (await RetryAsync(
            () => client.SendAsync<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>(new AddOffsetsToTxnRequest
            {
                TransactionalId = transactionalId, ProducerId = producerId, ProducerEpoch = epoch, GroupId = group,
            }, 3),
            r => r.ErrorCode)).ErrorCode;

    /// <summary>TxnOffsetCommit v3 (the first with group metadata) of offset 0 for partition 0 of <paramref name="topic"/>.</summary>
    private static async Task<short> TxnOffsetCommitAsync(ProtocolClient client, string transactionalId, long producerId, short epoch,
        string group, string topic, int generationId, string memberId)
    {
        var response = await RetryAsync(
            () => client.SendAsync<TxnOffsetCommitRequest, TxnOffsetCommitResponse>(new TxnOffsetCommitRequest
            {
                TransactionalId = transactionalId, GroupId = group, ProducerId = producerId, ProducerEpoch = epoch,
                GenerationId = generationId, MemberId = memberId,
                Topics =
                [
                    new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic
                    {
                        Name = topic, Partitions = [new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = 0 }],
                    },
                ],
            }, 3),
            r => r.Topics.SelectMany(t => t.Partitions).Select(p => p.ErrorCode).FirstOrDefault());
        var partition = Assert.Single(Assert.Single(response.Topics).Partitions);
        return partition.ErrorCode;
    }

    /// <summary>The connection that carried the bad request still gets answers.</summary>
    private static async Task AssertStillServesAsync(ProtocolClient client)
    {
        var versions = await client.ApiVersionsAsync();
        Assert.Equal((short)BrookError.None, versions.ErrorCode);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // shared helpers

    private static IProducer<byte[]?, byte[]?> TransactionalProducer(string bootstrap, string transactionalId, int transactionTimeoutMs = 60_000)
    {
        var config = KafkaTestClient.ProducerConfig(bootstrap);
        config.TransactionalId = transactionalId;
        config.TransactionTimeoutMs = transactionTimeoutMs;
        // librdkafka requires socket.timeout.ms and message.timeout.ms not to exceed transaction.timeout.ms.
        config.SocketTimeoutMs = Math.Min(config.SocketTimeoutMs ?? 60_000, transactionTimeoutMs);
        config.MessageTimeoutMs = Math.Min(config.MessageTimeoutMs ?? 300_000, transactionTimeoutMs);
        var producer = KafkaTestClient.CreateProducer(config);
        try
        {
            producer.InitTransactions(TxnCallTimeout);
            return producer;
        }
        catch
        {
            producer.Dispose();
            throw;
        }
    }

    /// <summary>Produce, polling while librdkafka's queue is full.</summary>
    private static void ProduceWithBackpressure(IProducer<byte[]?, byte[]?> producer, TopicPartition partition, Message<byte[]?, byte[]?> message)
    {
        while (true)
        {
            try
            {
                producer.Produce(partition, message);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }

    /// <summary>Reads every partition from the beginning to its end (partition EOF) with the given isolation level.</summary>
    private static List<(string Key, string Value)> ReadAll(string bootstrap, string topic, int partitions, IsolationLevel isolation)
    {
        var config = KafkaTestClient.ConsumerConfig(bootstrap);
        config.IsolationLevel = isolation;
        config.EnablePartitionEof = true;
        using var consumer = KafkaTestClient.CreateConsumer(config);
        consumer.Assign(KafkaTestClient.Partitions(topic, partitions).Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var records = new List<(string, string)>();
        var eof = new HashSet<int>();
        var deadline = Stopwatch.StartNew();
        while (eof.Count < partitions && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            if (r.IsPartitionEOF) { eof.Add(r.Partition.Value); continue; }
            eof.Remove(r.Partition.Value);
            records.Add((Encoding.UTF8.GetString(r.Message.Key ?? []), Encoding.UTF8.GetString(r.Message.Value!)));
        }
        consumer.Close();
        Assert.True(eof.Count == partitions, $"reached the end of only {eof.Count} of {partitions} partitions ({records.Count} records read)");
        return records;
    }
}
