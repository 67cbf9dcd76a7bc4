using Dapper;
using EvaraTech.Application.Errors;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Tenancy.Authentication;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace EvaraTech.Modules.Tenancy.Application.Login;

public sealed class LoginHandler(DbSession db, LocalTokenIssuer issuer, IPasswordHasher<LoginCommand> hasher)
    : ICommandHandler<LoginCommand, LoginResult>
{
    private const string FindCredentials = """
        SELECT p.id, p.email, p.is_active AS IsActive, c.password_hash AS PasswordHash
        FROM tenancy.users_profiles p
        JOIN tenancy.local_credentials c ON c.user_id = p.id
        WHERE lower(p.email) = lower(@Email)
        """;

    public async ValueTask<LoginResult> Handle(LoginCommand command, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<Credentials>(
            new CommandDefinition(FindCredentials, new { command.Email }, db.Transaction, cancellationToken: cancellationToken));

        // One answer for unknown email, wrong password and inactive user: no account enumeration.
        if (user is null || !user.IsActive
            || hasher.VerifyHashedPassword(command, user.PasswordHash, command.Password!) == PasswordVerificationResult.Failed)
        {
            throw new AppException(ErrorKind.Unauthorized, "INVALID_CREDENTIALS", "The email or password is incorrect.");
        }

        var (token, expiresAt) = issuer.Issue(user.Id, user.Email);
        return new LoginResult(token, "bearer", expiresAt, user.Id);
    }

    private sealed record Credentials(Guid Id, string Email, bool IsActive, string PasswordHash);
}
