using Dapper;
using EvaraTech.Modules.Tenancy.Authentication;
using EvaraTech.Modules.Tenancy.Contracts;
using EvaraTech.Modules.Tenancy.Domain;
using Microsoft.AspNetCore.Identity;

namespace EvaraTech.Modules.Tenancy.Application.Login;

public sealed class LoginHandler(
    DbSession db, LocalTokenIssuer issuer, IPasswordHasher<UserAccount> hasher, LoginThrottle throttle, LoginAttempt attempt,
    IIntegrationEventPublisher events, TimeProvider clock)
    : ICommandHandler<LoginCommand, LoginResult>
{
    // SECURITY DEFINER: an anonymous caller has no scope, and needs exactly this one row. Account is the throttle's key:
    // the email the database matched, lowercased by the database, so spellings it folds together are one account.
    private const string FindCredentials = """
        SELECT lower(coalesce(c.email, @Email)) AS Account, c.id, c.email, c.is_active AS IsActive, c.password_hash AS PasswordHash
        FROM (SELECT 1) AS one LEFT JOIN tenancy.find_local_credentials(@Email) AS c ON true
        """;

    public async ValueTask<LoginResult> Handle(LoginCommand command, CancellationToken cancellationToken)
    {
        attempt.Email = command.Email;
        var connection = await db.ConnectionAsync(cancellationToken);
        var found = await connection.QuerySingleAsync<Credentials>(
            new CommandDefinition(FindCredentials, new { Email = command.Email! }, db.Transaction, cancellationToken: cancellationToken));

        if (await throttle.WaitBeforeAsync(found.Account, command.ClientAddress, cancellationToken) is { } wait)
        {
            await FailAsync(command, "throttled", cancellationToken);
            throw new AppException(ErrorKind.TooManyRequests, ErrorCodes.RateLimited,
                "Too many failed logins for this account from here; wait before trying again.") { RetryAfter = wait };
        }

        // One answer for unknown email, wrong password and inactive user: no account enumeration.
        if (found.Id is not { } userId || found.IsActive != true
            // The hasher does not use the user argument (PBKDF2 with the salt inside the hash).
            || hasher.VerifyHashedPassword(null!, found.PasswordHash!, command.Password!) == PasswordVerificationResult.Failed)
        {
            await db.AfterTransactionAsync(() => throttle.RecordFailureAsync(found.Account, command.ClientAddress));
            await FailAsync(command, found.Id is null ? "unknown_email" : found.IsActive == true ? "wrong_password" : "inactive_user", cancellationToken);
            throw new AppException(ErrorKind.Unauthorized, "INVALID_CREDENTIALS", "The email or password is incorrect.");
        }

        await throttle.RecordSuccessAsync(found.Account, command.ClientAddress, cancellationToken);
        attempt.Audited = true;
        await events.PublishAsync(
            new UserLoggedIn(Guid.CreateVersion7(), clock.GetUtcNow(), userId, found.Email!, command.ClientAddress, command.UserAgent), cancellationToken);
        var (token, expiresAt) = issuer.Issue(userId, found.Email!);
        return new LoginResult(token, "bearer", expiresAt, userId);
    }

    /// <summary>Published on its own: this command's transaction is about to roll back.</summary>
    private async Task FailAsync(LoginCommand command, string reason, CancellationToken cancellationToken)
    {
        attempt.Audited = true;
        await events.PublishDetachedAsync(
            new LoginFailed(Guid.CreateVersion7(), clock.GetUtcNow(), command.Email!, reason, command.ClientAddress, command.UserAgent), cancellationToken);
    }

    private sealed record Credentials(string Account, Guid? Id, string? Email, bool? IsActive, string? PasswordHash);
}
