using System.Diagnostics;
using System.Text.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.TestSupport;

namespace EvaraTech.IntegrationTests.Foundation;

/// <summary>
/// The OpenAPI document is what the web console's typed client is generated from, so it must be exact: every API
/// route's body is its envelope, every error is the error envelope, and the committed client matches the document.
/// </summary>
public sealed class OpenApiDocumentTests : IntegrationTest
{
    private static readonly string[] ErrorStatuses = ["400", "401", "403", "404", "409", "422", "429", "500", "503"];

    private async Task<JsonElement> DocumentAsync() => JsonDocument.Parse(await Client.GetStringAsync("/openapi/v1.json")).RootElement;

    [Test]
    public async Task Every_api_route_documents_its_envelope_and_its_errors()
    {
        var document = await DocumentAsync();
        var untyped = new List<string>();
        var operations = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/v1/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                operations++;
                var responses = operation.Value.GetProperty("responses");
                var success = responses.EnumerateObject().Where(r => r.Name.StartsWith('2')).ToList();
                var typed = success.Any(r => r.Name == "204" || (r.Value.TryGetProperty("content", out var content)
                    && content.EnumerateObject().Any(c => c.Value.GetProperty("schema").GetRawText().Contains("Envelope", StringComparison.Ordinal) || c.Name == "text/csv")));
                var errors = ErrorStatuses.All(status => responses.TryGetProperty(status, out var error)
                    && error.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetRawText().Contains("EnvelopeOf", StringComparison.Ordinal));
                if (!typed || !errors)
                {
                    untyped.Add($"{operation.Name.ToUpperInvariant()} {path.Name}{(typed ? "" : ": no typed success body")}{(errors ? "" : ": no error envelopes")}");
                }
            }
        }

        Assert.That(operations, Is.GreaterThan(40));
        Assert.That(untyped, Is.Empty);
    }

    [Test]
    public async Task Numbers_are_numbers_and_open_maps_say_so()
    {
        var schemas = (await DocumentAsync()).GetProperty("components").GetProperty("schemas");

        Assert.That(schemas.GetProperty("PaginationMeta").GetProperty("properties").GetProperty("limit").GetProperty("type").GetString(), Is.EqualTo("integer"));
        Assert.That(schemas.GetProperty("LatestReading").GetProperty("properties").GetProperty("values").TryGetProperty("additionalProperties", out _), Is.True,
            "metric values by name: any JSON value");
    }

    [Test]
    public async Task The_consoles_generated_client_matches_the_document()
    {
        var web = Path.Combine(Checkout.Root, "src", "Web");
        var document = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        var generated = Path.Combine(Path.GetTempPath(), $"schema-{Guid.NewGuid():N}.d.ts");
        await File.WriteAllTextAsync(document, await Client.GetStringAsync("/openapi/v1.json"));
        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", ["scripts/generate-api.mjs", document, generated])
            {
                WorkingDirectory = web,
                RedirectStandardError = true,
            })!;
            var error = await node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync();
            Assert.That(node.ExitCode, Is.Zero, error);
            var committed = Path.Combine(web, "src", "api", "schema.d.ts");
            if (Environment.GetEnvironmentVariable("EVARA_UPDATE_GENERATED") == "1")
            {
                File.Copy(generated, committed, overwrite: true);
            }

            Assert.That(await File.ReadAllTextAsync(generated), Is.EqualTo(await File.ReadAllTextAsync(committed)),
                "src/Web/src/api/schema.d.ts is stale: run this test with EVARA_UPDATE_GENERATED=1 and commit the file");
        }
        finally
        {
            File.Delete(document);
            File.Delete(generated);
        }
    }
}
