using System.Net;
using System.Net.Http.Json;
using System.Text;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Tenancy.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.IntegrationTests.Audit;

/// <summary>The trail is append-only, secret-free, records authentication and sensitive reads, and is read within scope.</summary>
public sealed class AuditTrailTests : TenantWorldTest
{
    private static async Task<PostgresException> AsApplicationAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database.AppConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync())!;
    }

    [TestCase("UPDATE audit.audit_logs SET resource_type = 'tampered'")]
    [TestCase("DELETE FROM audit.audit_logs")]
    [TestCase("TRUNCATE audit.audit_logs")]
    public async Task The_application_role_cannot_change_or_remove_audit_rows(string sql)
    {
        using var client = ClientWith(Tokens.For(World.Superadmin));
        await client.PostAsJsonAsync("/api/v1/distributors", new { name = "Audited" });

        var failure = await AsApplicationAsync(sql);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(failure.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM audit.audit_logs WHERE resource_type = 'distributor'"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task No_secret_set_through_the_api_reaches_the_trail()
    {
        const string createPassword = "first-Secret-Pass-41";
        const string updatePassword = "second-Secret-Pass-42";
        using var admin = ClientWith(Tokens.For(World.Superadmin));

        var created = await admin.PostAsJsonAsync("/api/v1/users", new { email = "secret@evara.test", displayName = "S", role = "superadmin", password = createPassword });
        var id = (await created.ReadEnvelopeAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("id").GetGuid();
        using var update = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/users/{id}")
        {
            Content = JsonContent.Create(new { displayName = "S2", role = "superadmin", password = updatePassword }),
        };
        update.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        await (await admin.SendAsync(update)).ReadEnvelopeAsync(HttpStatusCode.OK);
        await Client.PostAsJsonAsync("/api/v1/auth/login", new { email = "secret@evara.test", password = updatePassword });
        await Client.PostAsJsonAsync("/api/v1/auth/login", new { email = "secret@evara.test", password = createPassword });
        await DeliverWebhookAsync();

        var everything = await Database.ScalarAsync<string>(
            "SELECT string_agg(concat_ws('|', resource_id, user_agent, request_id, metadata::text), E'\\n') FROM audit.audit_logs");
        var password_hashes = await Database.ScalarAsync<string>("SELECT string_agg(password_hash, ',') FROM tenancy.local_credentials");
        Assert.Multiple(() =>
        {
            Assert.That(everything, Does.Contain("AUTHENTICATE").Or.Contain("success"), "the trail has rows to search");
            foreach (var secret in new[] { createPassword, updatePassword, ApiFactory.TestWebhookSecret, "whsec_", ApiFactory.TestJwtSecret })
            {
                Assert.That(everything, Does.Not.Contain(secret));
            }

            foreach (var hash in password_hashes!.Split(','))
            {
                Assert.That(everything, Does.Not.Contain(hash));
            }

        });
    }

    [Test]
    public async Task Logins_succeeding_and_failing_are_recorded_as_authentication_events()
    {
        await Client.PostAsJsonAsync("/api/v1/auth/login", new { email = World.CustomerUser1.Email, password = TenantWorld.Password });
        await Client.PostAsJsonAsync("/api/v1/auth/login", new { email = World.CustomerUser1.Email, password = "wrong" });
        await HandledAsync();

        var outcomes = await Database.ScalarAsync<string>(
            "SELECT string_agg(metadata->>'outcome', ',' ORDER BY metadata->>'outcome') FROM audit.audit_logs WHERE action_type = 'AUTHENTICATE'");

        Assert.That(outcomes, Is.EqualTo("failure,success"));
    }

    [Test]
    public async Task A_distributor_reads_only_its_subtree_and_a_customer_not_at_all()
    {
        using var superadmin = ClientWith(Tokens.For(World.Superadmin));
        await PutAsync(superadmin, $"/api/v1/customers/{World.Customer1}", new { name = "In subtree 1" });
        await PutAsync(superadmin, $"/api/v1/customers/{World.Customer2}", new { name = "In subtree 2" });
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));
        using var customer = ClientWith(Tokens.For(World.CustomerUser1));

        var seen = (await (await distributor.GetAsync("/api/v1/audit-logs?resource_type=customer")).ReadEnvelopeAsync(HttpStatusCode.OK))
            .GetProperty("data").EnumerateArray().Select(r => r.GetProperty("resourceId").GetString()).ToList();
        var refused = await customer.GetAsync("/api/v1/audit-logs");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(seen, Is.EquivalentTo(new[] { World.Customer1.ToString() }));
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM audit.audit_logs WHERE action_type = 'ACCESS'"), Is.EqualTo(1),
                "reading the trail is itself recorded");
        });
    }

    [Test]
    public async Task The_trail_pages_by_cursor_without_gaps_or_repeats()
    {
        using var superadmin = ClientWith(Tokens.For(World.Superadmin));
        for (var i = 0; i < 7; i++)
        {
            await superadmin.PostAsJsonAsync("/api/v1/distributors", new { name = $"D{i}" });
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var envelope = await (await superadmin.GetAsync($"/api/v1/audit-logs?action_type=create&limit=3{(cursor is null ? "" : "&cursor=" + cursor)}"))
                .ReadEnvelopeAsync(HttpStatusCode.OK);
            seen.AddRange(envelope.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()!));
            var next = envelope.GetProperty("meta").GetProperty("pagination").GetProperty("nextCursor");
            cursor = next.ValueKind == System.Text.Json.JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.That(seen, Has.Count.EqualTo(7).And.Unique);
    }

    [TestCase("limit=1000", "limit")]
    [TestCase("cursor=2024-01-01T00:00:00Z", "cursor")]
    [TestCase("action_type=DROP", "action_type")]
    [TestCase("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to")]
    [TestCase("from=yesterday", "from")]
    public async Task Bad_filters_are_400_naming_the_parameter(string query, string field)
    {
        using var superadmin = ClientWith(Tokens.For(World.Superadmin));

        var errors = (await (await superadmin.GetAsync($"/api/v1/audit-logs?{query}")).ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors();

        Assert.That(errors.Select(e => e.Field()), Does.Contain(field));
    }

    [Test]
    public async Task The_csv_export_streams_every_matching_row_and_is_itself_recorded()
    {
        using var superadmin = ClientWith(Tokens.For(World.Superadmin));
        await superadmin.PostAsJsonAsync("/api/v1/distributors", new { name = "=cmd|' /C calc'!A0" });

        var response = await superadmin.GetAsync("/api/v1/audit-logs/export?resource_type=distributor");
        var csv = await response.Content.ReadAsStringAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
            Assert.That(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(2), "header and one row");
            Assert.That(csv, Does.StartWith("id,timestamp,action_type"));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM audit.audit_logs WHERE resource_type = 'audit_log_export'"), Is.EqualTo(1));
        });
    }

    private static async Task PutAsync(HttpClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        await (await client.SendAsync(request)).ReadEnvelopeAsync(HttpStatusCode.OK);
    }

    private async Task DeliverWebhookAsync()
    {
        const string body = """{"type":"INSERT","table":"users","schema":"auth","record":{"id":"5b0e3c55-7a51-4b8f-9a5e-2d7f0e7e1a15","email":"hook@evara.test"}}""";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", "msg_audit");
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", StandardWebhookVerifier.Sign(ApiFactory.TestWebhookSecret, "msg_audit", timestamp, body));
        await (await Client.SendAsync(request)).ReadEnvelopeAsync(HttpStatusCode.OK);
    }
}

/// <summary>Refused tokens are counted, not recorded one by one.</summary>
public sealed class RefusedTokenAuditTests : IntegrationTest
{
    [Test]
    public async Task Many_refused_tokens_become_one_row_with_counts_per_reason()
    {
        var reporter = Platform.Api.Services.GetRequiredService<EvaraTech.Modules.Tenancy.Authentication.RefusedTokenReporter>();
        await reporter.FlushAsync(CancellationToken.None); // start from an empty window
        for (var i = 0; i < 25; i++)
        {
            using var attacker = ClientWith("dev-bypass-admin-" + i);
            await attacker.GetAsync("/api/v1/me");
        }

        using var forged = ClientWith(Tokens.Hs256(Guid.NewGuid(), "ghost@evara.test"));
        await forged.GetAsync("/api/v1/me");
        await Client.GetAsync("/api/v1/me"); // no token at all: not an attack on a token, not counted

        var reported = await reporter.FlushAsync(CancellationToken.None);
        await HandledAsync();

        var row = await Database.ScalarAsync<string>("SELECT metadata::text FROM audit.audit_logs WHERE resource_type = 'access_token'");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(reported, Is.EqualTo(26));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM audit.audit_logs WHERE resource_type = 'access_token'"), Is.EqualTo(1));
            Assert.That(row, Does.Contain("\"INVALID_TOKEN\": 25").And.Contain("\"USER_PROFILE_NOT_SYNCHRONIZED\": 1"));
        });
    }
}
