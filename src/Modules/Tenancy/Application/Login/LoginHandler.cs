using Dapper;
using EvaraTech.Modules.Tenancy.Authentication;
using EvaraTech.Modules.Tenancy.Contracts;
using EvaraTech.Modules.Tenancy.Domain;
using Microsoft.AspNetCore.Identity;

namespace EvaraTech.Modules.Tenancy.Application.Login;

public sealed class LoginHandler(
    DbSession db, LocalTokenIssuer issuer, IPasswordHasher<UserAccount> hasher, LoginThrottle throttle, IIntegrationEventPublisher events, TimeProvider clock)
    : ICommandHandler<LoginCommand, LoginResult>
{
    // SECURITY DEFINER: an anonymous caller has no scope, and needs exactly this one row.
    private const string FindCredentials = """
        SELECT id, email, is_active AS IsActive, password_hash AS PasswordHash
        FROM tenancy.find_local_credentials(@Email)
        """;

    public async ValueTask<LoginResult> Handle(LoginCommand command, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<Credentials>(
            new CommandDefinition(FindCredentials, new { Email = command.Email! }, db.Transaction, cancellationToken: cancellationToken));

        // The throttle counts per account as the database matched it: PostgreSQL folds spellings .NET keeps apart (the
        // Kelvin sign, a dotted capital I), so keying by the typed email let such a variant guess on after a lock.
        var email = user?.Email ?? command.Email!;
        if (throttle.IsThrottled(email))
        {
            await events.PublishDetachedAsync(Failed(command, "throttled"), cancellationToken);
            throw new AppException(ErrorKind.TooManyRequests, ErrorCodes.RateLimited,
                "Too many failed logins for this account; try again later.");
        }

        // One answer for unknown email, wrong password and inactive user: no account enumeration.
        if (user is null || !user.IsActive
            // The hasher does not use the user argument (PBKDF2 with the salt inside the hash).
            || hasher.VerifyHashedPassword(null!, user.PasswordHash, command.Password!) == PasswordVerificationResult.Failed)
        {
            throttle.RecordFailure(email);
            // Published on its own: this command's transaction is about to roll back with the 401.
            await events.PublishDetachedAsync(Failed(command, user is null ? "unknown_email" : user.IsActive ? "wrong_password" : "inactive_user"), cancellationToken);
            throw new AppException(ErrorKind.Unauthorized, "INVALID_CREDENTIALS", "The email or password is incorrect.");
        }

        throttle.RecordSuccess(email);
        await events.PublishAsync(
            new UserLoggedIn(Guid.CreateVersion7(), clock.GetUtcNow(), user.Id, user.Email, command.ClientAddress, command.UserAgent), cancellationToken);
        var (token, expiresAt) = issuer.Issue(user.Id, user.Email);
        return new LoginResult(token, "bearer", expiresAt, user.Id);
    }

    private LoginFailed Failed(LoginCommand command, string reason) =>
        new(Guid.CreateVersion7(), clock.GetUtcNow(), command.Email!, reason, command.ClientAddress, command.UserAgent);

    private sealed record Credentials(Guid Id, string Email, bool IsActive, string PasswordHash);
}
