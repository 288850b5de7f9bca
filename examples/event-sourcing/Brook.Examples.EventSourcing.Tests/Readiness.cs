namespace Brook.Examples.EventSourcing.Tests;

/// <summary>The body of <c>GET /health/ready</c>.</summary>
internal sealed record Readiness(ProjectionPhase Phase, bool IsReady, long StateRecordsRestored, long EventsProjected, long EventsSkipped, string? Error);
