using System.Net;
using System.Net.Http.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Tenancy.Demo;

namespace EvaraTech.IntegrationTests.Tenancy;

/// <summary>The embedded default's demo users: each can log in with the printed password and use the API.</summary>
public sealed class DemoDataTests
{
    private TestDatabase _database = null!;
    private ApiFactory _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => (_database, _api) = await DemoPlatform.StartAsync();

    [Test]
    public async Task The_demo_hierarchy_has_the_promised_size()
    {
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await _database.ScalarAsync<long>("SELECT count(*) FROM tenancy.distributors"), Is.EqualTo(2));
            Assert.That(await _database.ScalarAsync<long>("SELECT count(*) FROM tenancy.communities"), Is.EqualTo(4));
            Assert.That(await _database.ScalarAsync<long>("SELECT count(*) FROM tenancy.customers"), Is.EqualTo(8));
            Assert.That(await _database.ScalarAsync<long>("SELECT count(DISTINCT role) FROM tenancy.users_profiles"), Is.EqualTo(3));
        });
    }

    [TestCaseSource(typeof(DemoTenants), nameof(DemoTenants.Users))]
    public async Task Every_demo_user_logs_in_and_their_token_works_on_me(DemoTenants.DemoUser user)
    {
        using var client = _api.CreateClient();
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = DemoTenants.Password });
        var token = (await login.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        var me = (await (await client.GetAsync("/api/v1/me")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");

        Assert.Multiple(() =>
        {
            Assert.That(me.GetProperty("email").GetString(), Is.EqualTo(user.Email));
            Assert.That(me.GetProperty("role").GetString(), Is.EqualTo(user.Role));
        });
    }

    [Test]
    public async Task Seeding_again_changes_nothing()
    {
        await using var again = ApiFactory.For(_database, DemoPlatform.Settings);
        _ = again.Server;

        Assert.That(await _database.ScalarAsync<long>("SELECT count(*) FROM tenancy.users_profiles"), Is.EqualTo(DemoTenants.Users.Length));
    }
}
