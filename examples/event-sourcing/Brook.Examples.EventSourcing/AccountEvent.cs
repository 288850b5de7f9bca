namespace Brook.Examples.EventSourcing;

/// <summary>What happened to an account: the kinds of event in the event log.</summary>
public enum AccountEventType
{
    /// <summary>The account exists, with a zero balance.</summary>
    Opened,

    /// <summary>Money came in.</summary>
    Deposited,

    /// <summary>Money went out; only ever appended when the balance covered it.</summary>
    Withdrawn,
}

/// <summary>
/// One fact in the event log, immutable once appended. The record key is <see cref="AccountId"/>, so all of an
/// account's events are in one partition, in the order they were accepted.
/// </summary>
/// <param name="EventId">The event's identity, unique across the log (consumers can deduplicate by it).</param>
/// <param name="Type">What happened.</param>
/// <param name="AccountId">The account (and the record key).</param>
/// <param name="Amount">The money moved; 0 for <see cref="AccountEventType.Opened"/>.</param>
/// <param name="OccurredAt">When the command was accepted.</param>
public sealed record AccountEvent(Guid EventId, AccountEventType Type, string AccountId, decimal Amount, DateTimeOffset OccurredAt);
