using System.Collections.Concurrent;
using System.Text;
using Brook.Testing;
using Brook.Testing.Xunit;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Xunit;
using Xunit.Abstractions;

namespace Brook.Examples.Retries.Tests;

/// <summary>Non-blocking retries against a real in-process broker: backoff, dead letters, nothing lost, and replay.</summary>
public sealed class RetryingConsumerTests(BrookBrokerFixture broker, ITestOutputHelper output) : IClassFixture<BrookBrokerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>What the test handler does with a record.</summary>
    private enum Behaviour { Succeeds, FailsOnce, FailsTwice, AlwaysFails, Poison }

    [Fact]
    public async Task TransientFailuresAreRetriedWithGrowingBackoffAndPermanentOnesAreDeadLettered()
    {
        var options = Options(retries: 3, baseDelay: TimeSpan.FromMilliseconds(200)) with
        {
            IsRetryable = e => e is not FormatException, // a payload that does not parse never will
        };
        var topology = options.Topology;
        foreach (var topic in topology.Topics) await broker.CreateTopicAsync(topic, partitions: 3);

        // 20 orders, four of each behaviour, spread over the partitions by key, each with application headers.
        var behaviours = Enum.GetValues<Behaviour>();
        var orders = Enumerable.Range(0, 20).ToDictionary(i => $"order-{i}", i => behaviours[i % behaviours.Length]);
        var sent = orders.Keys.Select((value, i) => new Message<string?, string>
        {
            Key = $"customer-{i % 7}",
            Value = value,
            Headers = new Headers { { "trace-id", Encoding.UTF8.GetBytes($"trace-{i}") }, { "source", "web"u8.ToArray() } },
        }).ToList();
        var written = (await broker.ProduceAsync(options.Topic, sent)).Zip(sent).ToDictionary(p => p.Second.Value, p => (Offset: p.First, Message: p.Second));

        var handler = new RecordingHandler((record, attempts) => orders[record.Message.Value] switch
        {
            Behaviour.Succeeds => null,
            Behaviour.FailsOnce when attempts <= 1 => new TimeoutException($"inventory service timed out (attempt {attempts})"),
            Behaviour.FailsTwice when attempts <= 2 => new TimeoutException($"inventory service timed out (attempt {attempts})"),
            Behaviour.AlwaysFails => new InvalidOperationException($"{record.Message.Value} rejected: customer is blocked"),
            Behaviour.Poison => new FormatException($"{record.Message.Value} is not valid JSON"),
            _ => null,
        });
        using var stop = new CancellationTokenSource();
        var worker = new RetryingConsumer(options, handler.HandleAsync).RunAsync(stop.Token);

        var expectedSuccesses = orders.Count(o => o.Value is Behaviour.Succeeds or Behaviour.FailsOnce or Behaviour.FailsTwice);
        await WaitUntilAsync(worker, async () => await CountAsync(topology.DeadLetterTopic) >= 8, "the dead letters");
        await WaitUntilAsync(worker, () => Task.FromResult(handler.Successes.Count >= expectedSuccesses), "the transient failures to succeed");
        // Every level has committed everything it read: nothing is waiting or in flight.
        for (var level = 0; level <= options.RetryCount; level++)
            await broker.WaitForConsumerGroupLagAsync(options.GroupIdAt(level), Timeout, maxLag: 0, topology.TopicAt(level));
        await stop.CancelAsync();
        await worker;
        var deadLetters = await broker.ConsumeAsync(topology.DeadLetterTopic, count: 8);

        // Nothing lost, nothing duplicated: each order succeeded exactly once or sits in the dead-letter topic once.
        Assert.Equal(expectedSuccesses, handler.Successes.Count);
        Assert.Equal(8, deadLetters.Count);
        Assert.Equal(orders.Keys.Order(), handler.Successes.Select(r => r.Message.Value).Concat(deadLetters.Select(r => r.Message.Value)).Order());
        // And every topic holds exactly the records the behaviours imply.
        Assert.Equal(12, await CountAsync(topology.RetryTopic(1))); // fails once, twice, always: 4 each
        Assert.Equal(8, await CountAsync(topology.RetryTopic(2)));
        Assert.Equal(4, await CountAsync(topology.RetryTopic(3)));
        Assert.Equal(8, await CountAsync(topology.DeadLetterTopic)); // always failing and poison

        foreach (var (value, behaviour) in orders)
        {
            var attempts = handler.AttemptsOf(value);
            var expectedAttempts = behaviour switch
            {
                Behaviour.Succeeds or Behaviour.Poison => 1,
                Behaviour.FailsOnce => 2,
                Behaviour.FailsTwice => 3,
                _ => options.RetryCount + 1,
            };
            Assert.Equal(expectedAttempts, attempts.Count);
            // Attempt N comes from retry topic N, carries its number, and waited at least its backoff (in the
            // worker's clock: whole unix milliseconds, like retry-not-before).
            for (var n = 0; n < attempts.Count; n++)
            {
                Assert.Equal(topology.TopicAt(n), attempts[n].Topic);
                Assert.Equal(n == 0 ? null : n, attempts[n].RetryAttempt);
                if (n == 0) continue;
                var waited = attempts[n].AtUnixMs - attempts[n - 1].AtUnixMs;
                var backoff = (long)options.DelayBefore(n).TotalMilliseconds;
                output.WriteLine($"{value} retry {n}: waited {waited} ms (backoff {backoff} ms)");
                Assert.InRange(waited, backoff, backoff + 10_000);
            }
        }

        foreach (var dead in deadLetters)
        {
            var (offset, message) = written[dead.Message.Value];
            var headers = dead.Message.Headers;
            Assert.Equal(message.Key, dead.Message.Key);
            Assert.Equal(options.Topic, RetryHeaders.GetString(headers, RetryHeaders.OriginalTopic));
            Assert.Equal(offset.Partition.Value, RetryHeaders.GetLong(headers, RetryHeaders.OriginalPartition));
            Assert.Equal(offset.Offset.Value, RetryHeaders.GetLong(headers, RetryHeaders.OriginalOffset));
            // The application's headers come through unchanged and first, in their order.
            Assert.Equal(message.Headers.Select(Text), headers.Take(message.Headers.Count).Select(Text));
            Assert.Null(RetryHeaders.GetString(headers, RetryHeaders.NotBefore));
            if (orders[dead.Message.Value] == Behaviour.AlwaysFails)
            {
                Assert.Equal(typeof(InvalidOperationException).FullName, RetryHeaders.GetString(headers, RetryHeaders.ErrorType));
                Assert.Equal($"{dead.Message.Value} rejected: customer is blocked", RetryHeaders.GetString(headers, RetryHeaders.ErrorMessage));
                Assert.Equal(3, RetryHeaders.GetLong(headers, RetryHeaders.Attempt));
                Assert.Equal("retries exhausted: 4 attempts failed", RetryHeaders.GetString(headers, RetryHeaders.DeadLetterReason));
            }
            else
            {
                Assert.Equal(Behaviour.Poison, orders[dead.Message.Value]);
                Assert.Equal(typeof(FormatException).FullName, RetryHeaders.GetString(headers, RetryHeaders.ErrorType));
                Assert.Equal(0, RetryHeaders.GetLong(headers, RetryHeaders.Attempt)); // straight from the main topic
                Assert.StartsWith("not retryable: FormatException", RetryHeaders.GetString(headers, RetryHeaders.DeadLetterReason));
            }
        }
    }

    [Fact]
    public async Task ReplayedDeadLettersAreProcessedOnceTheHandlerIsFixed()
    {
        var options = Options(retries: 1, baseDelay: TimeSpan.FromMilliseconds(100));
        var topology = options.Topology;
        foreach (var topic in topology.Topics) await broker.CreateTopicAsync(topic, partitions: 2);
        var fixedHandler = false; // the "deploy a fix" switch
        var handler = new RecordingHandler((record, _) =>
            record.Message.Value.StartsWith("bad-", StringComparison.Ordinal) && !Volatile.Read(ref fixedHandler)
                ? new InvalidOperationException("price service rejects the currency")
                : null);
        string[] values = ["good-1", "bad-1", "good-2", "bad-2", "bad-3", "good-3"];
        await broker.ProduceAsync(options.Topic, values.Select((value, i) => new Message<string?, string>
        {
            Key = $"customer-{i}",
            Value = value,
            Headers = new Headers { { "trace-id", Encoding.UTF8.GetBytes($"trace-{value}") } },
        }));
        using var stop = new CancellationTokenSource();
        var worker = new RetryingConsumer(options, handler.HandleAsync).RunAsync(stop.Token);

        await WaitUntilAsync(worker, async () => await CountAsync(topology.DeadLetterTopic) == 3, "three dead letters");
        await WaitUntilAsync(worker, () => Task.FromResult(handler.Successes.Count == 3), "the good orders");
        Volatile.Write(ref fixedHandler, true);

        var replayGroup = $"replayer-{Guid.NewGuid():N}";
        var replayer = new DeadLetterReplayer(new DeadLetterReplayOptions
        {
            BootstrapServers = broker.BootstrapServers,
            DeadLetterTopic = topology.DeadLetterTopic,
            GroupId = replayGroup,
            Log = output.WriteLine,
        });
        Assert.Equal(3, await replayer.ReplayAsync());
        // The replay's progress is committed: the group has nothing left, and a second run finds nothing to do.
        Assert.Equal(0, (await broker.WaitForConsumerGroupLagAsync(replayGroup, Timeout, maxLag: 0, topology.DeadLetterTopic)).Total);
        Assert.Equal(0, await replayer.ReplayAsync());

        await WaitUntilAsync(worker, () => Task.FromResult(handler.Successes.Count == 6), "the replayed orders");
        await broker.WaitForConsumerGroupLagAsync(options.GroupId, Timeout, maxLag: 0, options.Topic);
        await stop.CancelAsync();
        await worker;

        Assert.Equal(["bad-1", "bad-2", "bad-3", "good-1", "good-2", "good-3"], handler.Successes.Select(r => r.Message.Value).Order());
        foreach (var replayed in handler.Successes.Where(r => r.Message.Value.StartsWith("bad-", StringComparison.Ordinal)))
        {
            // Back in the main topic as a fresh record: first attempt, no retry headers, the application's headers kept.
            Assert.Equal(options.Topic, replayed.Topic);
            Assert.DoesNotContain(replayed.Message.Headers, h => RetryHeaders.IsRetryHeader(h.Key));
            Assert.Equal($"trace-{replayed.Message.Value}", RetryHeaders.GetString(replayed.Message.Headers, "trace-id"));
        }
        Assert.Equal(9, await CountAsync(options.Topic)); // six orders and three replayed copies
        Assert.Equal(3, await CountAsync(topology.DeadLetterTopic)); // replay copies, it does not delete
    }

    private RetryOptions Options(int retries, TimeSpan baseDelay) => new()
    {
        BootstrapServers = broker.BootstrapServers,
        Topic = $"orders-{Guid.NewGuid():N}",
        GroupId = $"order-processor-{Guid.NewGuid():N}",
        RetryCount = retries,
        BaseDelay = baseDelay,
        Log = line => { try { output.WriteLine(line); } catch (InvalidOperationException) { } }, // a log line after the test ended
    };

    /// <summary>
    /// How many records <paramref name="topic"/> holds, from its partitions' watermarks. Not from a consumer group's
    /// lag: that asks the group coordinator, and librdkafka's admin client crashes (librdkafka#5040) on the
    /// NOT_COORDINATOR a broker answers while it is still setting up __consumer_offsets, as at the first group's start.
    /// </summary>
    private async Task<long> CountAsync(string topic)
    {
        using var admin = broker.CreateAdminClient();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        async Task<long> SumAsync(OffsetSpec spec) =>
            (await admin.ListOffsetsAsync(partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p, OffsetSpec = spec })))
            .ResultInfos.Sum(r => r.TopicPartitionOffsetError.Offset.Value);
        return await SumAsync(OffsetSpec.Latest()) - await SumAsync(OffsetSpec.Earliest());
    }

    private static (string Key, string Value) Text(IHeader header) => (header.Key, Encoding.UTF8.GetString(header.GetValueBytes()));

    /// <summary>Polls <paramref name="condition"/>; a worker that stopped (it faulted) fails the test at once with its own exception.</summary>
    private static async Task WaitUntilAsync(Task worker, Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            if (worker.IsCompleted) await worker;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {Timeout.TotalSeconds:0} s for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>One handler call as the test saw it.</summary>
    private sealed record HandlerCall(string Topic, int? RetryAttempt, long AtUnixMs);

    /// <summary>
    /// A handler that records every call and throws what <c>decide</c> returns for it (given the record and how many
    /// times its value was handed over, this call included); null means success.
    /// </summary>
    private sealed class RecordingHandler(Func<ConsumeResult<string, string>, int, Exception?> decide)
    {
        private readonly ConcurrentDictionary<string, List<HandlerCall>> _attempts = new();

        public ConcurrentQueue<ConsumeResult<string, string>> Successes { get; } = new();

        public IReadOnlyList<HandlerCall> AttemptsOf(string value)
        {
            var attempts = _attempts.GetValueOrDefault(value, []);
            lock (attempts) return [.. attempts];
        }

        public Task HandleAsync(ConsumeResult<string, string> record, CancellationToken cancellationToken)
        {
            var attempts = _attempts.GetOrAdd(record.Message.Value, _ => []);
            int count;
            lock (attempts)
            {
                attempts.Add(new HandlerCall(record.Topic, RetryHeaders.GetAttempt(record), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                count = attempts.Count;
            }
            if (decide(record, count) is { } error) throw error;
            Successes.Enqueue(record);
            return Task.CompletedTask;
        }
    }
}
