namespace Brook.Examples.EventSourcing;

/// <summary>
/// The answer to an accepted command: the appended event's id and position in the event log, and the account's
/// balance and version after it. Pass <see cref="Version"/> as <c>?minVersion=</c> to a query to read your own write.
/// </summary>
/// <param name="EventId">The event's id.</param>
/// <param name="AccountId">The account.</param>
/// <param name="EventType">What was appended.</param>
/// <param name="Partition">The event log partition it is in.</param>
/// <param name="Offset">Its offset in that partition.</param>
/// <param name="Version">The account's version with this event applied.</param>
/// <param name="Balance">The account's balance with this event applied.</param>
public sealed record CommandReceipt(Guid EventId, string AccountId, AccountEventType EventType, int Partition, long Offset, long Version, decimal Balance);
