namespace Brook.Examples.Outbox;

/// <summary>The Kafka names the example shares between the relay and its consumers.</summary>
public static class OutboxTopics
{
    /// <summary>Where the relay publishes the order events, keyed by order id (one order's events stay in order).</summary>
    public const string OrderEvents = "orders.events";

    /// <summary>Header with the outbox row's id: the event's identity, which consumers deduplicate by.</summary>
    public const string EventIdHeader = "event-id";

    /// <summary>Header with the event's type (OrderPlaced, ...).</summary>
    public const string EventTypeHeader = "event-type";
}
