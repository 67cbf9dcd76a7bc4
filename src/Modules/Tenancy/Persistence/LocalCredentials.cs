using Dapper;
using EvaraTech.Modules.Tenancy.Domain;
using Microsoft.AspNetCore.Identity;

namespace EvaraTech.Modules.Tenancy.Persistence;

/// <summary>The local issuer's password hashes (ASP.NET Core Identity's PBKDF2 hasher; never the password itself).</summary>
public sealed class LocalCredentials(DbSession db, IPasswordHasher<UserAccount> hasher)
{
    private const string Upsert = """
        INSERT INTO tenancy.local_credentials (user_id, password_hash) VALUES (@UserId, @Hash)
        ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()
        """;

    public async Task SetAsync(UserAccount account, string password, CancellationToken ct) =>
        await (await db.ConnectionAsync(ct)).ExecuteAsync(new CommandDefinition(Upsert,
            new { UserId = account.Id, Hash = hasher.HashPassword(account, password) }, db.Transaction, cancellationToken: ct));
}
