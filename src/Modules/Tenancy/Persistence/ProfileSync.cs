using Dapper;
namespace EvaraTech.Modules.Tenancy.Persistence;

/// <summary>Keeps profiles in step with the identity provider's users (the auth webhook).</summary>
public sealed class ProfileSync(DbSession db)
{
    private const string RecordDelivery = """
        INSERT INTO tenancy.webhook_deliveries (id) VALUES (@Id) ON CONFLICT (id) DO NOTHING
        """;

    // A new identity arrives as an unassigned customer; an administrator places it. Role and placement are
    // never taken from the identity provider.
    private const string Upsert = """
        INSERT INTO tenancy.users_profiles (id, email, display_name, role) VALUES (@Id, @Email, @DisplayName, 'customer')
        ON CONFLICT (id) DO UPDATE
        SET email = EXCLUDED.email, display_name = EXCLUDED.display_name, is_active = true,
            version = users_profiles.version + 1, updated_at = now()
        WHERE (users_profiles.email, users_profiles.display_name, users_profiles.is_active)
              IS DISTINCT FROM (EXCLUDED.email, EXCLUDED.display_name, true)
        """;

    private const string Deactivate = """
        UPDATE tenancy.users_profiles SET is_active = false, version = version + 1, updated_at = now()
        WHERE id = @Id AND is_active
        """;

    /// <returns>false when this delivery id was seen before (a replay)</returns>
    public async Task<bool> RecordDeliveryAsync(string deliveryId, CancellationToken ct) =>
        await (await db.ConnectionAsync(ct)).ExecuteAsync(new CommandDefinition(RecordDelivery, new { Id = deliveryId }, db.Transaction, cancellationToken: ct)) == 1;

    public async Task UpsertAsync(Guid id, string email, string displayName, CancellationToken ct) =>
        await (await db.ConnectionAsync(ct)).ExecuteAsync(new CommandDefinition(Upsert,
            new { Id = id, Email = email, DisplayName = displayName.Length > 200 ? displayName[..200] : displayName }, db.Transaction, cancellationToken: ct));

    public async Task DeactivateAsync(Guid id, CancellationToken ct) =>
        await (await db.ConnectionAsync(ct)).ExecuteAsync(new CommandDefinition(Deactivate, new { Id = id }, db.Transaction, cancellationToken: ct));
}
