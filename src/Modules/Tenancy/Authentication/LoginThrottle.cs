using Dapper;
using Npgsql;

namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>
/// Failed logins, counted in the database so every instance sees the same numbers, per account from one client
/// address, per account, and per client address. A key past its threshold makes the next attempt wait
/// (<c>Auth:LoginFirstDelay</c>, doubling with each further failure up to <c>Auth:LoginMaximumDelay</c>) instead of
/// locking the account: wrong passwords from one address slow that address down, not the owner elsewhere; only a
/// guessing campaign spread over many addresses (<c>Auth:LoginFailuresPerAccount</c>) slows the account itself.
/// Accounts are keyed by the database's own lowercasing of the email it matched, so spellings PostgreSQL folds
/// together (the Kelvin sign, a dotted capital I) count as one.
/// </summary>
public sealed class LoginThrottle(DbSession db, NpgsqlDataSource dataSource, IOptions<JwtOptions> options, TimeProvider clock)
{
    private const string ReadFailures = """
        SELECT key AS Key, failures AS Failures, last_failure_at AS LastFailureAt FROM tenancy.login_failures
        WHERE key = ANY(@Keys) AND last_failure_at > @WindowStart
        """;

    // The window slides: the count starts again only after a whole window without failures, so a guesser who keeps
    // failing keeps doubling the wait. Forgotten rows are purged without waiting for rows other logins hold.
    private const string RecordFailures = """
        INSERT INTO tenancy.login_failures AS f (key, failures, window_started_at, last_failure_at)
        SELECT k, 1, @Now, @Now FROM unnest(@Keys) AS k
        ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN f.last_failure_at > @WindowStart THEN f.failures + 1 ELSE 1 END,
            window_started_at = CASE WHEN f.last_failure_at > @WindowStart THEN f.window_started_at ELSE @Now END,
            last_failure_at = @Now;
        DELETE FROM tenancy.login_failures WHERE key IN (
            SELECT key FROM tenancy.login_failures WHERE last_failure_at <= @WindowStart FOR UPDATE SKIP LOCKED);
        """;

    private const string ForgetFailures = "DELETE FROM tenancy.login_failures WHERE key = ANY(@Keys)";

    /// <returns>how long this attempt must still wait, or null when it may go ahead</returns>
    public async Task<TimeSpan?> WaitBeforeAsync(string account, string? clientAddress, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var keys = Keys(account, clientAddress);
        var connection = await db.ConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<FailureRow>(new CommandDefinition(ReadFailures,
            new { Keys = keys.Select(k => k.Key).ToArray(), WindowStart = now - options.Value.LoginFailureWindow }, db.Transaction,
            cancellationToken: cancellationToken));

        var wait = rows.Select(row => new DateTimeOffset(row.LastFailureAt, TimeSpan.Zero) + Delay(row.Failures, keys.Single(k => k.Key == row.Key).Threshold) - now)
            .DefaultIfEmpty(TimeSpan.Zero).Max();
        return wait > TimeSpan.Zero ? wait : null;
    }

    /// <summary>
    /// Counts a failure, on a connection of its own once the login's transaction has ended (it rolls back with the
    /// 401), so a request never holds two connections.
    /// </summary>
    public async Task RecordFailureAsync(string account, string? clientAddress)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await connection.ExecuteAsync(new CommandDefinition(RecordFailures,
            new { Keys = Keys(account, clientAddress).Select(k => k.Key).ToArray(), Now = now, WindowStart = now - options.Value.LoginFailureWindow }));
    }

    /// <summary>The owner proved the password: their account and this address start afresh (the address's count does not).</summary>
    public async Task RecordSuccessAsync(string account, string? clientAddress, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ForgetFailures,
            new { Keys = Keys(account, clientAddress).Take(2).Select(k => k.Key).ToArray() }, db.Transaction, cancellationToken: cancellationToken));
    }

    private TimeSpan Delay(int failures, int threshold)
    {
        if (failures < threshold)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(failures - threshold, 30);
        var delay = options.Value.LoginFirstDelay * Math.Pow(2, doublings);
        return delay < options.Value.LoginMaximumDelay ? delay : options.Value.LoginMaximumDelay;
    }

    private (string Key, int Threshold)[] Keys(string account, string? clientAddress)
    {
        var address = clientAddress ?? "unknown";
        var settings = options.Value;
        return
        [
            ($"pair:{account}|{address}", settings.LoginFailuresPerEmail),
            ($"account:{account}", settings.LoginFailuresPerAccount),
            ($"address:{address}", settings.LoginFailuresPerClient),
        ];
    }

    private sealed record FailureRow(string Key, int Failures, DateTime LastFailureAt);
}
