using System.Net.Http.Headers;
using System.Text;
using EvaraTech.IntegrationTests.Infrastructure;

namespace EvaraTech.IntegrationTests.Security;

/// <summary>
/// The adversarial suite, which grows with the API: every route of the host is enumerated at run time
/// (<see cref="AdversarialRoutes"/>) and every hub method by reflection, so a new one is attacked without anyone adding
/// it here. Tenant 1's users aim every route and hub method at tenant 2's resources, hostile values go into every
/// parameter and body property, forged tokens go to an authenticated route of every module, and the webhook client is
/// aimed at the platform's own network. Each category is one test that counts its attempts and fails listing every
/// leak and every 5xx; the counts are printed when the suite ends.
/// </summary>
public sealed partial class AdversarialSuite : TenantWorldTest
{
    /// <summary>The host has 88 route-methods today; an enumeration that finds far fewer is broken, not a smaller API.</summary>
    private const int RouteFloor = 80;

    /// <summary>Control characters (NUL, SOH, DEL, a lone surrogate, an overlong NUL) and numbers past their type, URL-encoded.</summary>
    private static readonly string[] HostileParameterValues =
        ["a%00b", "a%01b", "a%7Fb", "a%ED%A0%80b", "a%C0%80b", "2147483648", "-1", "9223372036854775808", "1e309"];

    /// <summary>The same control characters inside a JSON string, escaped as JSON (a lone surrogate cannot be serialized).</summary>
    private static readonly string[] HostileStringContents = ["a\\u0000b", "a\\u0001b", "a\\u007fb", "a\\ud800b"];

    private static readonly string[] HostileNumbers = ["2147483648", "-1", "9223372036854775808", "1e309"];

    private AdversarialWorld _world = null!;

    [SetUp]
    public async Task ArrangeAsync() => _world = await AdversarialWorld.ArrangeAsync(Database, World);

    private static IReadOnlyList<AdversarialRoute> Routes => AdversarialRoutes.Of(Platform.Api.Services);

    /// <summary>
    /// One line of counts per category and a total, through the error writer: a plain <c>dotnet test</c> shows what a
    /// fixture's tear-down writes there, and not its progress or standard output.
    /// </summary>
    [OneTimeTearDown]
    public void PrintCounts() => TestContext.Error.WriteLine(AdversarialTallies.Summary());

    [Test]
    public void The_routes_are_enumerated_from_the_host_with_their_parameters()
    {
        var routes = Routes;

        Assert.Multiple(() =>
        {
            Assert.That(routes, Has.Count.GreaterThanOrEqualTo(RouteFloor), $"{routes.Count} routes:{Environment.NewLine}{string.Join(Environment.NewLine, routes)}");
            Assert.That(routes.Select(r => r.ToString()), Does.Contain("GET /api/v1/nodes/{id:guid}"));
            Assert.That(routes.Select(r => r.Pattern), Does.Contain("/hubs/realtime/negotiate"), "the hub's endpoints are routes too");
            Assert.That(routes.Count(r => r.QueryParameters.Count > 0), Is.GreaterThanOrEqualTo(10), "query parameters are read from the API explorer");
            Assert.That(routes.Count(r => r.BodyType is not null), Is.GreaterThanOrEqualTo(15), "body types are read from the API explorer");
            Assert.That(routes.Where(r => r.AllowsAnonymous).Select(r => r.ToString()), Does.Contain("POST /api/v1/auth/login"));
        });
    }

    [Test]
    public async Task Tenant_one_reaches_nothing_of_tenant_two_on_any_route()
    {
        var tally = AdversarialTallies.Start("isolation");
        var routes = Routes.Where(r => !r.IsHub).ToArray();
        TestUser[] callers = [World.CustomerUser1, World.DistributorUser1];

        // Lists first, plain before filtered: a caller's audit trail shows the filters it typed, and those it may see.
        var lists = routes.Where(r => r.Method == "GET" && r.RouteParameters.Count == 0).ToArray();
        var typed = new StringBuilder();
        foreach (var filtered in new[] { false, true })
        {
            foreach (var caller in callers)
            {
                await ListsAsync(caller, lists, filtered, typed, tally);
            }
        }

        foreach (var caller in callers)
        {
            await TargetedAsync(caller, routes.Where(r => r.RouteParameters.Count > 0 || r.Method != "GET"), tally);
        }

        await AnonymousAsync(Routes.Where(r => !r.AllowsAnonymous), tally);

        tally.AssertClean();
    }

    [Test]
    public async Task Control_characters_and_overflow_in_any_parameter_or_body_are_never_a_5xx()
    {
        var tally = AdversarialTallies.Start("control");
        using var superadmin = ClientWith(Tokens.For(World.Superadmin));

        foreach (var route in Routes.Where(r => !r.IsHub))
        {
            var body = route.TakesBody ? AdversarialBodies.Plausible(route, name => _world.IdsFor(name, null, 1)[0]) : null;
            foreach (var (path, json) in HostileRequests(route, body))
            {
                var (status, answer) = await SendAsync(superadmin, route.Method, path, json);
                tally.Answered($"{route.Method} {path} {json}", status, answer);
            }
        }

        tally.AssertClean();
    }

    [Test]
    public async Task Every_forged_token_is_a_401_on_an_authenticated_route_of_every_module()
    {
        var tally = AdversarialTallies.Start("tokens");
        var sample = Routes.Where(r => !r.AllowsAnonymous && r.RouteParameters.Count == 0
            && (r.Method == "GET" && !r.IsHub || r.Pattern.EndsWith("/negotiate", StringComparison.Ordinal))).ToArray();

        foreach (var (kind, token) in AdversarialTokens.All(World, Platform.Jwks.Rsa))
        {
            using var client = ClientWith(token);
            foreach (var route in sample)
            {
                var path = route.Path(_ => "x");
                var (status, _) = await SendAsync(client, route.Method, path, null);
                Count(tally, $"{kind}: {route.Method} {path}", status, expected: 401);
            }
        }

        Assert.That(sample, Has.Length.GreaterThanOrEqualTo(15), "an authenticated GET of every module");
        tally.AssertClean();
    }

    /// <summary>
    /// Every list a tenant-1 user may call, plain or with tenant 2's ids in its id filters: none of tenant 2 comes back,
    /// except the ids tenant 1's callers typed themselves (<paramref name="typed"/>).
    /// </summary>
    private async Task ListsAsync(TestUser caller, IEnumerable<AdversarialRoute> lists, bool filtered, StringBuilder typed, AdversarialTally tally)
    {
        using var client = ClientWith(Tokens.For(caller));
        foreach (var route in lists)
        {
            var filters = route.QueryParameters.Where(AdversarialWorld.IsIdParameter)
                .Select(p => $"{p.Name}={_world.IdsFor(p.Name, null, 2)[0]}").ToArray();
            if (filtered && filters.Length == 0)
            {
                continue;
            }

            var path = filtered ? route.Pattern + "?" + string.Join('&', filters) : route.Pattern;
            typed.Append(path);
            var (status, body) = await SendAsync(client, "GET", path, null);
            tally.Answered($"{caller.Email} GET {path}", status, body);
            if (_world.SecretIn(body, typed.ToString()) is { } secret)
            {
                tally.Leaked($"{caller.Email} GET {path} → {status} names tenant 2's {secret}: {Around(body, secret)}");
            }
        }
    }

    /// <summary>
    /// Every route with a parameter, and every write, aimed at tenant 2: its ids in the path (each kind the parameter
    /// could mean), in the id filters and in the body. A success on a path naming tenant 2's resource leaks, and so does
    /// tenant 2 in any answer (a write without a path parameter may succeed as a whole and refuse the item, as the batch does).
    /// </summary>
    private async Task TargetedAsync(TestUser caller, IEnumerable<AdversarialRoute> routes, AdversarialTally tally)
    {
        using var client = ClientWith(Tokens.For(caller));
        var otherIds = _world.OtherIds.Select(id => id.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var route in routes)
        {
            var query = string.Join('&', route.QueryParameters.Where(AdversarialWorld.IsIdParameter)
                .Select(p => $"{p.Name}={_world.IdsFor(p.Name, null, 2)[0]}"));
            var json = route.TakesBody ? AdversarialBodies.Plausible(route, name => _world.IdsFor(name, null, 2)[0]).ToJsonString() : null;
            foreach (var values in Combinations(route, p => OtherValues(route, p)))
            {
                var path = route.Path(p => values[p.Name]) + (query.Length > 0 ? "?" + query : "");
                var sent = path + json;
                var (status, body) = await SendAsync(client, route.Method, path, json);
                var what = $"{caller.Email} {route.Method} {path} {json}";
                tally.Answered(what, status, body);
                if (status is >= 200 and < 300 && route.RouteParameters.Count > 0 && otherIds.Any(id => path.Contains(id, StringComparison.OrdinalIgnoreCase)))
                {
                    tally.Leaked($"{what} → {status} on tenant 2's resource: {Shorten(body)}");
                }
                else if (_world.SecretIn(body, sent) is { } secret)
                {
                    tally.Leaked($"{what} → {status} names tenant 2's {secret}: {Around(body, secret)}");
                }
            }
        }
    }

    /// <summary>Every route that does not allow anonymous callers, called without a token: a 401, whatever it is.</summary>
    private async Task AnonymousAsync(IEnumerable<AdversarialRoute> routes, AdversarialTally tally)
    {
        using var anonymous = Platform.Api.CreateClient();
        foreach (var route in routes)
        {
            var path = route.Path(p => OtherValues(route, p)[0]);
            var (status, _) = await SendAsync(anonymous, route.Method, path, route.TakesBody ? "{}" : null);
            Count(tally, $"anonymous {route.Method} {path}", status, expected: 401);
        }
    }

    /// <summary>The hostile requests for one route: each route parameter, each query parameter and each body leaf poisoned in turn.</summary>
    private IEnumerable<(string Path, string? Json)> HostileRequests(AdversarialRoute route, System.Text.Json.Nodes.JsonNode? body)
    {
        var json = body?.ToJsonString();
        var own = route.Path(p => OwnValue(route, p));
        foreach (var parameter in route.RouteParameters)
        {
            foreach (var value in HostileParameterValues)
            {
                yield return (route.Path(p => p == parameter ? value : OwnValue(route, p)), json);
            }
        }

        foreach (var parameter in route.QueryParameters)
        {
            foreach (var value in HostileParameterValues)
            {
                yield return ($"{own}?{parameter.Name}={value}", json);
            }
        }

        if (body is null)
        {
            yield break;
        }

        yield return (own, """{"name":"a\u0000b"}""");
        foreach (var content in HostileStringContents)
        {
            foreach (var (_, poisoned) in AdversarialBodies.WithEachString(body, content))
            {
                yield return (own, poisoned);
            }
        }

        foreach (var number in HostileNumbers)
        {
            foreach (var (_, poisoned) in AdversarialBodies.WithEachNumber(body, number))
            {
                yield return (own, poisoned);
            }
        }
    }

    /// <summary>Tenant 2's candidates for a parameter: its ids for an id, its channel for a channel number, a word otherwise.</summary>
    private string[] OtherValues(AdversarialRoute route, AdversarialParameter parameter) =>
        AdversarialWorld.IsIdParameter(parameter) && !parameter.IsNumber
            ? [.. _world.IdsFor(parameter.Name, SegmentBefore(route, parameter), 2).Select(id => id.ToString())]
            : [Scalar(parameter, AdversarialWorld.Channel2)];

    /// <summary>The caller's own value for a parameter, so that the hostile value elsewhere in the request is what is judged.</summary>
    private string OwnValue(AdversarialRoute route, AdversarialParameter parameter) =>
        AdversarialWorld.IsIdParameter(parameter) && !parameter.IsNumber
            ? _world.IdsFor(parameter.Name, SegmentBefore(route, parameter), 1)[0].ToString()
            : Scalar(parameter, AdversarialWorld.Channel1);

    private static string Scalar(AdversarialParameter parameter, long channel) =>
        parameter.Name.Contains("channel", StringComparison.OrdinalIgnoreCase) ? channel.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : parameter.IsNumber ? "1"
        : "x";

    private static string SegmentBefore(AdversarialRoute route, AdversarialParameter parameter)
    {
        var start = route.Pattern.IndexOf("{" + parameter.Name, StringComparison.Ordinal);
        var before = route.Pattern[..Math.Max(start, 0)].TrimEnd('/');
        return before[(before.LastIndexOf('/') + 1)..];
    }

    /// <summary>Every combination of the parameters' candidate values (routes have at most two parameters, so this stays small).</summary>
    private static IEnumerable<Dictionary<string, string>> Combinations(AdversarialRoute route, Func<AdversarialParameter, string[]> candidates) =>
        route.RouteParameters.Aggregate(
            (IEnumerable<Dictionary<string, string>>)[new Dictionary<string, string>()],
            (partial, parameter) => partial.SelectMany(values => candidates(parameter)
                .Select(value => new Dictionary<string, string>(values) { [parameter.Name] = value })));

    /// <summary>Counts an answer that must be exactly <paramref name="expected"/>; anything else below 500 got further than it should have.</summary>
    private static void Count(AdversarialTally tally, string what, int status, int expected)
    {
        tally.Attempted();
        if (status == expected)
        {
            tally.WasRefused();
        }
        else if (status >= 500)
        {
            tally.Failed($"{what} → {status}");
        }
        else
        {
            tally.Leaked($"{what} → {status}, not {expected}");
        }
    }

    /// <summary>
    /// One request, If-Match "1" on writes as the isolation matrix sends it. The test server hands an exception the
    /// application did not handle to the client; that is the 500 a real server would have answered.
    /// </summary>
    private static async Task<(int Status, string Body)> SendAsync(HttpClient client, string method, string path, string? json)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "PUT" or "DELETE" or "POST" or "PATCH")
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await client.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (InvalidOperationException ex) when (RefusedAtTheBorder(ex))
        {
            return (400, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (500, ex.ToString());
        }
    }

    /// <summary>
    /// A NUL in the path: the test server's client cannot even build such a request (decoding the path throws before the
    /// application is called), and Kestrel refuses the request line with a 400 before any middleware runs.
    /// </summary>
    private static bool RefusedAtTheBorder(InvalidOperationException ex) =>
        ex.StackTrace is { } stack && stack.Contains("PathString.FromUriComponent", StringComparison.Ordinal)
        && stack.Contains("TestHost.ClientHandler", StringComparison.Ordinal);

    private static string Shorten(string body) => body.Length > 300 ? body[..300] + "…" : body;

    private static string Around(string body, string secret)
    {
        var at = body.IndexOf(secret, StringComparison.OrdinalIgnoreCase);
        var start = Math.Max(0, at - 200);
        return "…" + body[start..Math.Min(body.Length, at + secret.Length + 200)] + "…";
    }
}
