using Dapper;
namespace EvaraTech.Modules.Tenancy.Persistence;

/// <summary>Keeps profiles in step with the identity provider's users (the auth webhook).</summary>
public sealed class ProfileSync(DbSession db)
{
    private const string RecordDelivery = """
        INSERT INTO tenancy.webhook_deliveries (id) VALUES (@Id) ON CONFLICT (id) DO NOTHING
        """;

    // A new identity arrives as an unassigned customer; an administrator places it. Role, placement and
    // activation are never taken from the identity provider.
    private const string Create = """
        INSERT INTO tenancy.users_profiles (id, email, display_name, role) VALUES (@Id, @Email, @DisplayName, 'customer')
        ON CONFLICT (id) DO NOTHING
        """;

    private const string Update = """
        UPDATE tenancy.users_profiles SET email = @Email, display_name = @DisplayName, version = version + 1, updated_at = now()
        WHERE id = @Id AND (email, display_name) IS DISTINCT FROM (@Email, @DisplayName)
        """;

    private const string Deactivate = """
        UPDATE tenancy.users_profiles SET is_active = false, version = version + 1, updated_at = now()
        WHERE id = @Id AND is_active
        """;

    /// <returns>false when this delivery id was seen before (a replay)</returns>
    public async Task<bool> RecordDeliveryAsync(string deliveryId, CancellationToken ct) =>
        await (await db.ConnectionAsync(ct)).ExecuteAsync(new CommandDefinition(RecordDelivery, new { Id = deliveryId }, db.Transaction, cancellationToken: ct)) == 1;

    /// <returns>whether the profile was created (false: it already exists)</returns>
    public Task<bool> CreateAsync(Guid id, string email, string displayName, CancellationToken ct) => ChangeAsync(Create, id, email, displayName, ct);

    /// <returns>whether an existing profile changed</returns>
    public Task<bool> UpdateAsync(Guid id, string email, string displayName, CancellationToken ct) => ChangeAsync(Update, id, email, displayName, ct);

    private async Task<bool> ChangeAsync(string sql, Guid id, string email, string displayName, CancellationToken ct) =>
        await (await db.ConnectionAsync(ct)).ExecuteAsync(new CommandDefinition(sql,
            new { Id = id, Email = email, DisplayName = displayName.Length > 200 ? displayName[..200] : displayName }, db.Transaction, cancellationToken: ct)) == 1;

    public async Task DeactivateAsync(Guid id, CancellationToken ct) =>
        await (await db.ConnectionAsync(ct)).ExecuteAsync(new CommandDefinition(Deactivate, new { Id = id }, db.Transaction, cancellationToken: ct));
}
