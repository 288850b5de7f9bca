namespace Brook.Examples.EventSourcing;

/// <summary>How a command ended; the HTTP API maps each to a status code.</summary>
public enum CommandOutcome
{
    /// <summary>The event is appended and acknowledged (200, or 201 for an opening).</summary>
    Accepted,

    /// <summary>The command itself is malformed, e.g. a non-positive amount (400).</summary>
    Invalid,

    /// <summary>No such account (404).</summary>
    NotFound,

    /// <summary>The current state forbids it: an overdraft, a second opening (409). Nothing is appended.</summary>
    Conflict,

    /// <summary>Not ready, or the append was not acknowledged (503): try again.</summary>
    Unavailable,
}

/// <summary>The outcome of a command, with the receipt when it was accepted or the reason when not.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Receipt">Where the event landed and the state it led to; only when accepted.</param>
/// <param name="Reason">Why it was not accepted.</param>
public sealed record CommandResult(CommandOutcome Outcome, CommandReceipt? Receipt = null, string? Reason = null);
