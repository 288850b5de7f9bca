using System.Diagnostics;
using Brook.Testing;
using Brook.Testing.Xunit;
using Confluent.Kafka;
using Xunit;
using Xunit.Abstractions;

namespace Brook.Testing.Sample.Tests;

/// <summary>One broker shared by the tests of this class, the way an application's integration tests would use it.</summary>
public sealed class SingleBrokerTests(BrookBrokerFixture broker, ITestOutputHelper output) : IClassFixture<BrookBrokerFixture>
{
    [Fact]
    public async Task KeyedRecordsComeBackInOrderPerPartition()
    {
        var topic = $"orders-{Guid.NewGuid():N}";
        await broker.CreateTopicAsync(topic, partitions: 3);

        var sent = Enumerable.Range(0, 30).Select(i => new Message<string?, string> { Key = $"customer-{i % 5}", Value = $"order-{i}" }).ToList();
        var offsets = await broker.ProduceAsync(topic, sent);
        var received = await broker.ConsumeAsync(topic, count: 30);

        Assert.Equal(30, received.Count);
        // Same key, same partition, and each customer's orders in the order they were sent.
        foreach (var customer in sent.GroupBy(m => m.Key))
        {
            Assert.Single(received.Where(r => r.Message.Key == customer.Key).Select(r => r.Partition.Value).Distinct());
            Assert.Equal(customer.Select(m => m.Value), received.Where(r => r.Message.Key == customer.Key).Select(r => r.Message.Value));
        }
        Assert.Equal(3, offsets.Select(o => o.Partition.Value).Distinct().Count());
    }

    [Fact]
    public async Task AConsumerGroupCommitsAndItsLagReachesZero()
    {
        var topic = $"payments-{Guid.NewGuid():N}";
        var group = $"billing-{Guid.NewGuid():N}";
        await broker.CreateTopicAsync(topic, partitions: 2);
        await broker.ProduceAsync(topic, Enumerable.Range(0, 20).Select(i => new Message<string?, string> { Key = $"k{i}", Value = $"v{i}" }));
        Assert.Equal(20, (await broker.GetConsumerGroupLagAsync(group, topic)).Total);

        using var consumer = broker.CreateConsumer<string, string>(group, c => c.EnableAutoCommit = false);
        consumer.Subscribe(topic);
        var seen = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (seen < 20 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                seen++;
                consumer.Commit(result);
            }
        }
        Assert.Equal(20, seen);

        var lag = await broker.WaitForConsumerGroupLagAsync(group, TimeSpan.FromSeconds(30), maxLag: 0, topic);
        Assert.Equal(0, lag.Total);
        Assert.Equal(2, lag.Partitions.Count);
        consumer.Close();
    }

    [Fact]
    public async Task ReadCommittedConsumersSeeOnlyCommittedTransactions()
    {
        var topic = $"ledger-{Guid.NewGuid():N}";
        await broker.CreateTopicAsync(topic);
        using var producer = broker.CreateProducer<string, string>(p => p.TransactionalId = $"ledger-writer-{Guid.NewGuid():N}");
        producer.InitTransactions(TimeSpan.FromSeconds(30));

        producer.BeginTransaction();
        for (var i = 0; i < 3; i++) await producer.ProduceAsync(topic, new Message<string, string> { Key = "a", Value = $"aborted-{i}" });
        producer.AbortTransaction(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        for (var i = 0; i < 5; i++) await producer.ProduceAsync(topic, new Message<string, string> { Key = "c", Value = $"committed-{i}" });
        producer.CommitTransaction(TimeSpan.FromSeconds(30));

        var committed = await broker.ConsumeAsync(topic, count: 5);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"committed-{i}"), committed.Select(r => r.Message.Value));
        var everything = await broker.ConsumeAsync(topic, count: 8, readCommitted: false);
        Assert.Equal(3, everything.Count(r => r.Message.Value.StartsWith("aborted-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task APersistentDataDirectoryKeepsTopicsAndRecordsAcrossBrokers()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"brook-sample-{Guid.NewGuid():N}");
        try
        {
            var options = new BrookTestOptions { DataDirectory = dir, Config = { ["num.partitions"] = "4" } };
            var clock = Stopwatch.StartNew();
            await using (var first = await BrookTestBroker.StartAsync(options))
            {
                output.WriteLine($"first start on an empty directory: {clock.ElapsedMilliseconds} ms");
                await first.CreateTopicAsync("kept");
                await first.ProduceAsync("kept", "k", "survives");
            }
            Assert.True(Directory.Exists(dir), "a named data directory is kept at disposal");

            clock.Restart();
            await using var second = await BrookTestBroker.StartAsync(options);
            output.WriteLine($"second start on the kept directory: {clock.ElapsedMilliseconds} ms");
            var record = Assert.Single(await second.ConsumeAsync("kept", count: 1));
            Assert.Equal("survives", record.Message.Value);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ABrokerRestartsOnTheSamePortAndClientsCarryOn()
    {
        await using var own = await BrookTestBroker.StartAsync(new BrookTestOptions { Log = output.WriteLine });
        var port = own.Node.Port;
        await own.CreateTopicAsync("restarts");
        await own.ProduceAsync("restarts", null, "before");

        using var producer = own.CreateProducer<Null, string>();
        await own.Node.StopAsync();
        Assert.False(own.Node.IsRunning);
        await own.Node.StartAsync();
        Assert.Equal(port, own.Node.Port);
        await producer.ProduceAsync("restarts", new Message<Null, string> { Value = "after" });

        Assert.Equal(["before", "after"], (await own.ConsumeAsync("restarts", count: 2)).Select(r => r.Message.Value));
        var temporary = own.DataDirectory;
        await own.DisposeAsync();
        Assert.False(Directory.Exists(temporary), "a temporary data directory is deleted at disposal");
    }
}
