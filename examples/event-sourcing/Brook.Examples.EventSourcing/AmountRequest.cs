namespace Brook.Examples.EventSourcing;

/// <summary>The body of a deposit or a withdrawal: <c>{"amount": 25.00}</c>.</summary>
/// <param name="Amount">The money to move; must be positive.</param>
public sealed record AmountRequest(decimal Amount);
