using Xunit;

namespace Brook.Examples.Outbox.Tests;

/// <summary>
/// A test that needs PostgreSQL: skipped where it is not installed, except in CI (CI or BROOK_REQUIRE_POSTGRES set),
/// where a missing PostgreSQL must fail rather than pass quietly.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Sets Skip when PostgreSQL is missing outside CI.</summary>
    public PostgresFactAttribute()
    {
        var required = Environment.GetEnvironmentVariable("CI") is { Length: > 0 } || Environment.GetEnvironmentVariable("BROOK_REQUIRE_POSTGRES") == "1";
        if (PostgresServer.FindBinaries() is null && !required) Skip = "PostgreSQL is not installed (Debian: apt-get install postgresql)";
    }
}
