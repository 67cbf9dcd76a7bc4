using System.Net;
using System.Text;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Tenancy.Authentication;

namespace EvaraTech.IntegrationTests.Tenancy;

/// <summary>The identity provider's signed user webhook: verified, idempotent, replay-proof.</summary>
public sealed class AuthWebhookTests : IntegrationTest
{
    private static readonly Guid NewUser = Guid.Parse("7b0e3c55-7a51-4b8f-9a5e-2d7f0e7e1a11");

    private static string Insert(string email = "signup@evara.test") =>
        $$$"""{"type":"INSERT","table":"users","schema":"auth","record":{"id":"{{{NewUser}}}","email":"{{{email}}}","raw_user_meta_data":{"display_name":"New Signup"}},"old_record":null}""";

    private async Task<HttpResponseMessage> DeliverAsync(string body, string? id = null, DateTimeOffset? sentAt = null, string secret = ApiFactory.TestWebhookSecret)
    {
        id ??= "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = (sentAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", StandardWebhookVerifier.Sign(secret, id, timestamp, body));
        return await Client.SendAsync(request);
    }

    private static Task<long> ProfilesAsync() => Database.ScalarAsync<long>("SELECT count(*) FROM tenancy.users_profiles WHERE id = @id", ("id", NewUser));

    [Test]
    public async Task A_signed_signup_creates_the_profile_once_and_repeats_are_idempotent()
    {
        await (await DeliverAsync(Insert())).ReadEnvelopeAsync(HttpStatusCode.OK);
        await (await DeliverAsync(Insert())).ReadEnvelopeAsync(HttpStatusCode.OK);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ProfilesAsync(), Is.EqualTo(1));
            Assert.That(await Database.ScalarAsync<string>("SELECT role FROM tenancy.users_profiles WHERE id = @id", ("id", NewUser)), Is.EqualTo("customer"));
            Assert.That(await Database.ScalarAsync<long>("SELECT version FROM tenancy.users_profiles WHERE id = @id", ("id", NewUser)), Is.EqualTo(1));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM integration.outbox WHERE event_type = 'IdentityWebhookReceived'"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task An_update_changes_the_email()
    {
        await DeliverAsync(Insert());

        await (await DeliverAsync(Insert("changed@evara.test").Replace("INSERT", "UPDATE", StringComparison.Ordinal))).ReadEnvelopeAsync(HttpStatusCode.OK);

        Assert.That(await Database.ScalarAsync<string>("SELECT email FROM tenancy.users_profiles WHERE id = @id", ("id", NewUser)), Is.EqualTo("changed@evara.test"));
    }

    [Test]
    public async Task A_bad_signature_is_refused_and_stores_nothing()
    {
        var response = await DeliverAsync(Insert(), secret: "v1,whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("another-secret-entirely")));

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.Unauthorized)).Errors().Single().Code(), Is.EqualTo("WEBHOOK_SIGNATURE_INVALID"));
        Assert.That(await ProfilesAsync(), Is.Zero);
    }

    [Test]
    public async Task A_stale_timestamp_is_refused()
    {
        var response = await DeliverAsync(Insert(), sentAt: DateTimeOffset.UtcNow.AddMinutes(-6));

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.Unauthorized)).Errors().Single().Code(), Is.EqualTo("WEBHOOK_SIGNATURE_INVALID"));
        Assert.That(await ProfilesAsync(), Is.Zero);
    }

    [Test]
    public async Task A_replayed_delivery_is_refused()
    {
        await (await DeliverAsync(Insert(), id: "msg_replayed")).ReadEnvelopeAsync(HttpStatusCode.OK);

        var replay = await DeliverAsync(Insert(), id: "msg_replayed");

        Assert.That((await replay.ReadEnvelopeAsync(HttpStatusCode.Conflict)).Errors().Single().Code(), Is.EqualTo("WEBHOOK_REPLAYED"));
    }

    [Test]
    public async Task A_deleted_identity_is_deactivated_and_its_token_stops_working()
    {
        await DeliverAsync(Insert());
        await (await DeliverAsync(Insert().Replace("INSERT", "DELETE", StringComparison.Ordinal))).ReadEnvelopeAsync(HttpStatusCode.OK);

        using var client = ClientWith(Tokens.Hs256(NewUser, "signup@evara.test"));
        var me = await client.GetAsync("/api/v1/me");

        Assert.That((await me.ReadEnvelopeAsync(HttpStatusCode.Unauthorized)).Errors().Single().Code(), Is.EqualTo("USER_INACTIVE"));
    }

    [Test]
    public async Task An_oversized_body_is_413()
    {
        var response = await DeliverAsync(Insert().Replace("New Signup", new string('x', 70_000), StringComparison.Ordinal));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }
}
