using Confluent.Kafka;

namespace Brook.ClientSupport;

/// <summary>Producing through librdkafka's bounded local queue: wait (serving delivery reports) instead of failing when it is full.</summary>
public static class ProducerQueue
{
    /// <summary>Produces one record to <paramref name="topic"/> (partitioner's choice), polling for delivery reports while the queue is full.</summary>
    public static void ProduceWhenQueued<TKey, TValue>(IProducer<TKey, TValue> producer, string topic, Message<TKey, TValue> message,
        Action<DeliveryReport<TKey, TValue>> handler)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, message, handler);
                return;
            }
            catch (ProduceException<TKey, TValue> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }

    /// <summary>Produces one record to <paramref name="destination"/>, polling for delivery reports while the queue is full.</summary>
    public static void ProduceWhenQueued<TKey, TValue>(IProducer<TKey, TValue> producer, TopicPartition destination, Message<TKey, TValue> message,
        Action<DeliveryReport<TKey, TValue>> handler)
    {
        while (true)
        {
            try
            {
                producer.Produce(destination, message, handler);
                return;
            }
            catch (ProduceException<TKey, TValue> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }
}
