using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// A Confluent.Kafka consumer that polls assigned partitions on its own thread from the beginning until disposed,
/// keeping every record (with the leader epoch librdkafka saw) and every consume error — so a test can watch what a
/// long-lived consumer does through a fault (a leader change, a truncation) instead of starting one afterwards.
/// </summary>
public sealed class PollingConsumer : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly Thread _thread;
    private volatile bool _stop;

    /// <summary>One record as consumed.</summary>
    public sealed record Consumed(TopicPartition Partition, long Offset, string Value, int? LeaderEpoch);

    public PollingConsumer(ConsumerConfig config, IEnumerable<TopicPartition> partitions)
    {
        _consumer = KafkaTestClient.CreateConsumer(config);
        _consumer.Assign(partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        _thread = new Thread(Poll) { IsBackground = true, Name = "polling consumer" };
        _thread.Start();
    }

    public ConcurrentQueue<Consumed> Records { get; } = new();

    public ConcurrentQueue<Error> Errors { get; } = new();

    private void Poll()
    {
        while (!_stop)
        {
            try
            {
                var r = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (r is { IsPartitionEOF: false })
                    Records.Enqueue(new Consumed(r.TopicPartition, r.Offset.Value, r.Message.Value is { } v ? Encoding.UTF8.GetString(v) : "", r.LeaderEpoch));
            }
            catch (ConsumeException e)
            {
                Errors.Enqueue(e.Error);
            }
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(10));
        _consumer.Close();
        _consumer.Dispose();
    }
}
