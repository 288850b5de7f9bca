namespace Brook.Examples.EventSourcing;

/// <summary>The HTTP API: commands (POST) go to the command handler, queries (GET) to the read model only.</summary>
public static class AccountEndpoints
{
    /// <summary>Maps the account, query and readiness routes.</summary>
    public static WebApplication MapAccountEndpoints(this WebApplication app)
    {
        app.MapPost("/accounts/{id}", async (string id, AccountCommandHandler commands, CancellationToken ct) =>
            ToHttp(await commands.OpenAsync(id, ct), created: true));
        app.MapPost("/accounts/{id}/deposits", async (string id, AmountRequest body, AccountCommandHandler commands, CancellationToken ct) =>
            ToHttp(await commands.DepositAsync(id, body.Amount, ct)));
        app.MapPost("/accounts/{id}/withdrawals", async (string id, AmountRequest body, AccountCommandHandler commands, CancellationToken ct) =>
            ToHttp(await commands.WithdrawAsync(id, body.Amount, ct)));

        // Eventually consistent: the read model follows the event log a little behind. ?minVersion=N (the version in a
        // command's receipt) waits, boundedly, until the account has reached it: read-your-writes.
        app.MapGet("/accounts/{id}", async (string id, long? minVersion, AccountReadModel accounts, ProjectionStatus status,
            BankAccountsOptions options, CancellationToken ct) =>
        {
            if (!status.IsReady) return NotReady(status);
            var account = minVersion is { } version
                ? await accounts.WaitForVersionAsync(id, version, options.MaxReadYourWritesWait, ct)
                : accounts.Find(id);
            if (minVersion is { } wanted && (account?.Version ?? 0) < wanted)
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The read model is behind",
                    detail: $"account {id} is at version {account?.Version ?? 0}, not yet {wanted}; try again");
            return account is null ? Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"no account {id}") : Results.Ok(account);
        });
        app.MapGet("/accounts", (AccountReadModel accounts, ProjectionStatus status) => status.IsReady ? Results.Ok(accounts.All()) : NotReady(status));

        // 503 while the read model is rebuilt: a load balancer sends no traffic to an instance that would answer from a partial state.
        app.MapGet("/health/ready", (ProjectionStatus status) =>
            Results.Json(status, statusCode: status.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable));
        return app;
    }

    private static IResult ToHttp(CommandResult result, bool created = false) => result.Outcome switch
    {
        CommandOutcome.Accepted when created => Results.Created($"/accounts/{result.Receipt!.AccountId}", result.Receipt),
        CommandOutcome.Accepted => Results.Ok(result.Receipt),
        CommandOutcome.Invalid => Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: result.Reason),
        CommandOutcome.NotFound => Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: result.Reason),
        CommandOutcome.Conflict => Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: result.Reason),
        _ => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: result.Reason),
    };

    private static IResult NotReady(ProjectionStatus status) =>
        Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: $"the read model is {status.Phase}");
}
