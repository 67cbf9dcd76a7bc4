using System.Net;
using EvaraTech.IntegrationTests.Infrastructure;

namespace EvaraTech.IntegrationTests.Security;

/// <summary>Numbers at the edge of their type are input like any other: never a 500.</summary>
public sealed class OverflowTests : TenantWorldTest
{
    private static readonly string[] PagedLists =
    [
        "/api/v1/nodes", "/api/v1/distributors", "/api/v1/communities", "/api/v1/customers", "/api/v1/users",
        "/api/v1/alert-rules", "/api/v1/notification-rules", "/api/v1/notifications", "/api/v1/reports/uptime",
    ];

    [TestCaseSource(nameof(PagedLists))]
    public async Task The_last_possible_page_of_a_list_is_empty(string list)
    {
        using var superadmin = ClientWith(Tokens.For(World.Superadmin));

        var page = await (await superadmin.GetAsync($"{list}?page={int.MaxValue}&limit=100")).ReadEnvelopeAsync(HttpStatusCode.OK);

        Assert.That(page.GetProperty("data").GetArrayLength(), Is.Zero);
    }
}
