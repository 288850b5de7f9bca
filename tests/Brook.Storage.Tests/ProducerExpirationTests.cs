namespace Brook.Storage.Tests;

public sealed class ProducerExpirationTests : LogTestBase
{
    [Fact]
    public void IdleProducersAreForgottenButOpenTransactionsAreKept()
    {
        using var log = Open();
        var batches = new TransactionalBatches();
        AppendOk(log, batches.Batch(pid: 1, transactional: false)); // idle idempotent producer, timestamps ~1,000
        AppendOk(log, batches.Batch(pid: 2));                        // open transaction, same age
        Assert.Equal(2, log.ProducerState.Count);

        Assert.Equal(0, log.ExpireProducers(nowMs: 5_000, expirationMs: 10_000));
        Assert.Equal(1, log.ExpireProducers(nowMs: 100_000, expirationMs: 10_000));
        Assert.False(log.ProducerState.TryGetProducer(1, out _));
        Assert.True(log.ProducerState.TryGetProducer(2, out _));

        // A forgotten producer is new again: any first sequence is accepted.
        AppendOk(log, TestBatches.Build(2, producerId: 1, producerEpoch: 0, baseSequence: 40));
    }
}
