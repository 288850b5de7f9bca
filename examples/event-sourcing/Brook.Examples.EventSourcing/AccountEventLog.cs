using System.Text;
using Confluent.Kafka;

namespace Brook.Examples.EventSourcing;

/// <summary>
/// The command side's only write: appends an event to the event log with an idempotent acks=all producer and returns
/// once every in-sync replica has it — the moment the event is a fact. Retries inside the producer cannot duplicate
/// or reorder an account's events (idempotence), so the log order is the order the commands were accepted in.
/// </summary>
public sealed class AccountEventLog : IDisposable
{
    /// <summary>Header with the event's <see cref="AccountEventType"/>, so consumers can route without parsing the value.</summary>
    public const string EventTypeHeader = "event-type";

    /// <summary>Header with the event's id.</summary>
    public const string EventIdHeader = "event-id";

    private readonly IProducer<string, string> _producer;
    private readonly string _topic;

    /// <summary>A producer for the options' event topic.</summary>
    public AccountEventLog(BankAccountsOptions options)
    {
        _topic = options.EventsTopic;
        _producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = "bank-accounts-commands",
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 1, // each HTTP request waits for its append: batch briefly, not for long
            MessageTimeoutMs = (int)options.AppendTimeout.TotalMilliseconds,
        }).Build();
    }

    /// <summary>Appends <paramref name="e"/> keyed by its account and returns where it landed; throws <see cref="ProduceException{TKey,TValue}"/> when not acknowledged.</summary>
    public async Task<TopicPartitionOffset> AppendAsync(AccountEvent e)
    {
        var delivery = await _producer.ProduceAsync(_topic, new Message<string, string>
        {
            Key = e.AccountId,
            Value = AccountJson.Serialize(e),
            Headers = new Headers
            {
                { EventTypeHeader, Encoding.UTF8.GetBytes(e.Type.ToString()) },
                { EventIdHeader, Encoding.UTF8.GetBytes(e.EventId.ToString()) },
            },
        }).ConfigureAwait(false);
        return delivery.TopicPartitionOffset;
    }

    /// <summary>Flushes what is in flight and closes the producer.</summary>
    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
