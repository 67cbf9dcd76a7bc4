using System.Net;
using System.Text;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Tenancy.Authentication;
using EvaraTech.TestSupport;
using Npgsql;

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

    private static string Change(string type, string? record, string? oldRecord) =>
        "{\"type\":\"" + type + "\",\"table\":\"users\",\"schema\":\"auth\",\"record\":" + (record ?? "null") + ",\"old_record\":" + (oldRecord ?? "null") + "}";

    private static string User(string? email = "signup@evara.test", string extra = "") =>
        "{\"id\":\"" + NewUser + "\",\"email\":" + (email is null ? "null" : "\"" + email + "\"") + ",\"phone\":\"+254700000001\"" + extra + ",\"raw_user_meta_data\":{}}";

    private async Task<string> ChangeOfAsync(string body) =>
        (await (await DeliverAsync(body)).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("change").GetString()!;

    private static Task<bool> IsActiveAsync() => Database.ScalarAsync<bool>("SELECT is_active FROM tenancy.users_profiles WHERE id = @id", ("id", NewUser));

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

    /// <summary>An auth.users row whole, as Supabase's own database webhook sends it (to_jsonb of the row).</summary>
    private static string SupabaseRow(string extra = "") =>
        "{\"instance_id\":\"00000000-0000-0000-0000-000000000000\",\"id\":\"" + NewUser + "\",\"aud\":\"authenticated\",\"role\":\"authenticated\","
        + "\"email\":\"signup@evara.test\",\"encrypted_password\":\"$2a$10$abcdefghijklmnopqrstuv\",\"email_confirmed_at\":\"2026-12-06T10:00:00.123456+00:00\","
        + "\"invited_at\":null,\"confirmation_token\":\"\",\"recovery_token\":\"\",\"last_sign_in_at\":\"2026-12-06T10:05:00.5+05:30\","
        + "\"raw_app_meta_data\":{\"provider\":\"email\",\"providers\":[\"email\"]},\"raw_user_meta_data\":{\"full_name\":\"Full Name\",\"email_verified\":true},"
        + "\"is_super_admin\":null,\"created_at\":\"2026-12-06T10:00:00.1+00:00\",\"updated_at\":\"2026-12-06T10:05:00.5+00:00\",\"phone\":null,"
        + "\"phone_confirmed_at\":null,\"banned_until\":null,\"reauthentication_token\":\"\",\"is_sso_user\":false,\"deleted_at\":null,\"is_anonymous\":false" + extra + "}";

    [Test]
    public async Task Whole_rows_as_supabase_sends_them_create_update_and_ban()
    {
        Assert.That(await ChangeOfAsync(Change("INSERT", SupabaseRow(), null)), Is.EqualTo("created"));
        Assert.That(await Database.ScalarAsync<string>("SELECT display_name FROM tenancy.users_profiles WHERE id = @id", ("id", NewUser)), Is.EqualTo("Full Name"));

        var banned = SupabaseRow().Replace("\"banned_until\":null", "\"banned_until\":\"2999-01-01T00:00:00+00:00\"", StringComparison.Ordinal);
        Assert.That(await ChangeOfAsync(Change("UPDATE", banned, SupabaseRow())), Is.EqualTo("deactivated"));
        Assert.That(await IsActiveAsync(), Is.False);
    }

    [Test]
    public async Task A_delete_as_supabase_sends_it_carries_only_the_old_record_and_deactivates()
    {
        await DeliverAsync(Insert());

        Assert.That(await ChangeOfAsync(Change("DELETE", null, User())), Is.EqualTo("deactivated"));
        Assert.That(await IsActiveAsync(), Is.False);
    }

    [Test]
    public async Task A_sign_in_update_does_not_reactivate_a_user_an_administrator_deactivated()
    {
        await DeliverAsync(Insert());
        await Database.ExecuteAsync("UPDATE tenancy.users_profiles SET is_active = false WHERE id = @id", ("id", NewUser));

        Assert.That(await ChangeOfAsync(Change("UPDATE", User(extra: ",\"last_sign_in_at\":\"2026-12-06T10:00:00Z\""), User())), Is.Not.EqualTo("created"));
        Assert.That(await IsActiveAsync(), Is.False);
    }

    [Test]
    public async Task An_update_does_not_recreate_a_user_an_administrator_deleted()
    {
        await DeliverAsync(Insert());
        await Database.ExecuteAsync("DELETE FROM tenancy.users_profiles WHERE id = @id", ("id", NewUser));

        await ChangeOfAsync(Change("UPDATE", User("changed@evara.test"), User()));

        Assert.That(await ProfilesAsync(), Is.Zero);
    }

    [TestCase(",\"banned_until\":\"2999-01-01T00:00:00Z\"", TestName = "A user banned in Supabase is deactivated")]
    [TestCase(",\"deleted_at\":\"2026-12-06T10:00:00Z\"", TestName = "A user soft-deleted in Supabase is deactivated")]
    public async Task A_user_blocked_in_the_provider_is_deactivated(string blocked)
    {
        await DeliverAsync(Insert());

        Assert.That(await ChangeOfAsync(Change("UPDATE", User(extra: blocked), User())), Is.EqualTo("deactivated"));
        Assert.That(await IsActiveAsync(), Is.False);
    }

    [TestCase(null, "", TestName = "A phone-only sign-up is acknowledged without a profile")]
    [TestCase("anon@evara.test", ",\"is_anonymous\":true", TestName = "An anonymous sign-up is acknowledged without a profile")]
    public async Task An_identity_that_cannot_sign_in_here_is_acknowledged(string? email, string extra)
    {
        Assert.That(await ChangeOfAsync(Change("INSERT", User(email, extra), null)), Is.EqualTo("ignored"));
        Assert.That(await ProfilesAsync(), Is.Zero);
    }

    [Test]
    public async Task An_anonymous_user_who_adds_an_email_gets_a_profile()
    {
        await DeliverAsync(Change("INSERT", User(null, ",\"is_anonymous\":true"), null));

        Assert.That(await ChangeOfAsync(Change("UPDATE", User(extra: ",\"is_anonymous\":false"), User(null, ",\"is_anonymous\":true"))), Is.EqualTo("created"));
        Assert.That(await IsActiveAsync(), Is.True);
    }

    [Test]
    public async Task A_delivery_signed_by_the_documented_supabase_trigger_is_accepted()
    {
        var script = await File.ReadAllTextAsync(Path.Combine(Checkout.Root, "deploy", "supabase", "auth-users-webhook.sql"));
        var signing = script[..script.IndexOf("-- BEGIN TRIGGER", StringComparison.Ordinal)];
        var body = Insert();
        string headersJson;
        await using (var connection = new NpgsqlConnection(Database.AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var create = new NpgsqlCommand(signing, connection, transaction))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using var sign = new NpgsqlCommand("SELECT evaratech.webhook_headers(@body, @secret)::text", connection, transaction);
            sign.Parameters.AddWithValue("body", body);
            sign.Parameters.AddWithValue("secret", ApiFactory.TestWebhookSecret);
            headersJson = (string)(await sign.ExecuteScalarAsync())!;
            await transaction.RollbackAsync();
        }

        var headers = System.Text.Json.JsonDocument.Parse(headersJson).RootElement;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var name in new[] { "webhook-id", "webhook-timestamp", "webhook-signature" })
        {
            request.Headers.Add(name, headers.GetProperty(name).GetString());
        }

        await (await Client.SendAsync(request)).ReadEnvelopeAsync(HttpStatusCode.OK);
        Assert.That(await ProfilesAsync(), Is.EqualTo(1));
    }
}
