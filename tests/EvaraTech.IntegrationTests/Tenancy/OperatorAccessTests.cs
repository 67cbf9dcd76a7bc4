using System.Net;
using EvaraTech.IntegrationTests.Infrastructure;

namespace EvaraTech.IntegrationTests.Tenancy;

/// <summary>The Hangfire dashboard and the realtime hub use the API's identity; the dashboard is for superadmins only.</summary>
public sealed class OperatorAccessTests : TenantWorldTest
{
    [Test]
    public async Task The_job_dashboard_is_for_superadmins_only()
    {
        using var superadmin = ClientWith(Tokens.For(World.Superadmin));
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await Client.GetAsync("/hangfire")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That((await distributor.GetAsync("/hangfire")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await superadmin.GetAsync("/hangfire")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task A_browser_opens_the_dashboard_with_the_token_once_then_by_cookie()
    {
        var first = await Client.GetAsync($"/hangfire?access_token={Tokens.For(World.Superadmin)}");
        var cookie = first.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("evara_dashboard_token=", StringComparison.Ordinal));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire/recurring");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);

        var next = await Client.SendAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(cookie, Does.Contain("httponly").IgnoreCase);
            Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task The_realtime_hub_refuses_anonymous_negotiation()
    {
        var anonymous = await Client.PostAsync("/hubs/realtime/negotiate?negotiateVersion=1", null);
        var signedIn = await Client.PostAsync($"/hubs/realtime/negotiate?negotiateVersion=1&access_token={Tokens.For(World.CustomerUser1)}", null);

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }
}
