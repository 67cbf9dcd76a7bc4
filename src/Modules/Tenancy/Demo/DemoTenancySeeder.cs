using Dapper;
using EvaraTech.Infrastructure.Demo;
using EvaraTech.Modules.Tenancy.Authentication;
using EvaraTech.Modules.Tenancy.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Hosting;

namespace EvaraTech.Modules.Tenancy.Demo;

/// <summary>
/// Writes the demo tenants and users when <c>Demo:Seed</c> is on (the embedded default), idempotently, and prints
/// who can log in. Registered after the migration service, so the schema is there.
/// </summary>
public sealed class DemoTenancySeeder(IServiceScopeFactory scopes, IConfiguration configuration, IHostEnvironment environment, ILogger<DemoTenancySeeder> logger)
    : IHostedService
{
    private const string Seed = """
        INSERT INTO tenancy.distributors (id, name) SELECT * FROM unnest(@DistributorIds, @DistributorNames) ON CONFLICT (id) DO NOTHING;
        INSERT INTO tenancy.communities (id, distributor_id, name, slug)
            SELECT * FROM unnest(@CommunityIds, @CommunityDistributors, @CommunityNames, @CommunitySlugs) ON CONFLICT (id) DO NOTHING;
        INSERT INTO tenancy.customers (id, community_id, distributor_id, name)
            SELECT * FROM unnest(@CustomerIds, @CustomerCommunities, @CustomerDistributors, @CustomerNames) ON CONFLICT (id) DO NOTHING;
        INSERT INTO tenancy.users_profiles (id, email, display_name, role, distributor_id, customer_id)
            SELECT * FROM unnest(@UserIds, @UserEmails, @UserNames, @UserRoles, @UserDistributors, @UserCustomers) ON CONFLICT (id) DO NOTHING;
        INSERT INTO tenancy.local_credentials (user_id, password_hash)
            SELECT id, @PasswordHash FROM unnest(@UserIds) AS id ON CONFLICT (user_id) DO NOTHING;
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!DemoSeeding.IsWanted(configuration, environment))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsSystem();
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<UserAccount>>();

        await db.BeginAsync(cancellationToken);
        var connection = await db.ConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Seed, new
        {
            DistributorIds = DemoTenants.Distributors.Select(d => d.Id).ToArray(),
            DistributorNames = DemoTenants.Distributors.Select(d => d.Name).ToArray(),
            CommunityIds = DemoTenants.Communities.Select(c => c.Id).ToArray(),
            CommunityDistributors = DemoTenants.Communities.Select(c => c.DistributorId).ToArray(),
            CommunityNames = DemoTenants.Communities.Select(c => c.Name).ToArray(),
            CommunitySlugs = DemoTenants.Communities.Select(c => c.Slug).ToArray(),
            CustomerIds = DemoTenants.Customers.Select(c => c.Id).ToArray(),
            CustomerCommunities = DemoTenants.Customers.Select(c => c.CommunityId).ToArray(),
            CustomerDistributors = DemoTenants.Customers.Select(c => c.DistributorId).ToArray(),
            CustomerNames = DemoTenants.Customers.Select(c => c.Name).ToArray(),
            UserIds = DemoTenants.Users.Select(u => u.Id).ToArray(),
            UserEmails = DemoTenants.Users.Select(u => u.Email).ToArray(),
            UserNames = DemoTenants.Users.Select(u => u.DisplayName).ToArray(),
            UserRoles = DemoTenants.Users.Select(u => u.Role).ToArray(),
            UserDistributors = DemoTenants.Users.Select(u => u.DistributorId).ToArray(),
            UserCustomers = DemoTenants.Users.Select(u => u.CustomerId).ToArray(),
            PasswordHash = hasher.HashPassword(null!, DemoTenants.Password),
        }, db.Transaction, cancellationToken: cancellationToken));
        await db.CommitAsync(cancellationToken);

        logger.LogInformation("Demo users (password {Password}):{Users}", DemoTenants.Password,
            string.Concat(DemoTenants.Users.Select(u => $"{Environment.NewLine}  {u.Role,-12} {u.Email}")));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
