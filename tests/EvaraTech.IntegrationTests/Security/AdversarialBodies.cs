using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EvaraTech.IntegrationTests.Isolation;

namespace EvaraTech.IntegrationTests.Security;

/// <summary>
/// JSON bodies for any route: the isolation matrix's hand-made body when it has one for the route (it passes
/// validation, so the scope check is what answers), else one built from the body's type, every property a plausible
/// value and every id the one <c>id</c> picks for the property's name. Poisoned variants put a hostile value into
/// one string or number of it at a time.
/// </summary>
public static class AdversarialBodies
{
    private const string RawMarker = "__adversarial_raw__";
    private const int MaxDepth = 4;

    private static readonly IsolationRow[] Rows =
        [.. TenancyIsolationRows.Rows(), .. NodeIsolationRows.Rows(), .. TelemetryIsolationRows.Rows(), .. AlertIsolationRows.Rows()];

    /// <summary>A body for <paramref name="route"/>; <paramref name="id"/> answers for a property (or a matrix target) by its name.</summary>
    public static JsonNode Plausible(AdversarialRoute route, Func<string, Guid> id) =>
        FromRows(route, id) ?? (route.BodyType is { } type ? Build(type, "", id, 0) : null) ?? new JsonObject();

    /// <summary>
    /// The body once per string in it, that string's content replaced by <paramref name="escaped"/> (JSON-escaped text, so
    /// that a lone surrogate, which no serializer writes, can be sent); the property's path says which.
    /// </summary>
    public static IEnumerable<(string Path, string Json)> WithEachString(JsonNode body, string escaped) =>
        Leaves(body, JsonValueKind.String).Select(path =>
            (path, Replace(body, path, JsonValue.Create(RawMarker)).ToJsonString().Replace(RawMarker, escaped, StringComparison.Ordinal)));

    /// <summary>The body once per number in it, that number replaced by the raw JSON <paramref name="raw"/> (which may not fit any type).</summary>
    public static IEnumerable<(string Path, string Json)> WithEachNumber(JsonNode body, string raw) =>
        Leaves(body, JsonValueKind.Number).Select(path =>
            (path, Replace(body, path, JsonValue.Create(RawMarker)).ToJsonString().Replace($"\"{RawMarker}\"", raw, StringComparison.Ordinal)));

    private static JsonNode? FromRows(AdversarialRoute route, Func<string, Guid> id)
    {
        var template = AdversarialRoute.TemplateParameter().Replace(route.Pattern, "{target}");
        var row = Rows.FirstOrDefault(r => r.Body is not null && r.Method == route.Method && r.Path.Split('?')[0] == template);
        if (row is null)
        {
            return null;
        }

        var json = JsonSerializer.Serialize(row.Body)
            .Replace("{target}", id(row.Target.TrimEnd('1', '2') + "Id").ToString(), StringComparison.Ordinal)
            .Replace("{customer2}", id("customerId").ToString(), StringComparison.Ordinal)
            .Replace("{community1}", id("communityId").ToString(), StringComparison.Ordinal)
            .Replace("{community2}", id("communityId").ToString(), StringComparison.Ordinal);
        return JsonNode.Parse(json);
    }

    private static JsonNode? Build(Type type, string name, Func<string, Guid> id, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => JsonValue.Create(PlausibleString(name)),
            _ when type == typeof(Guid) => JsonValue.Create(id(name)),
            _ when type == typeof(bool) => JsonValue.Create(true),
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => JsonValue.Create(1),
            _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => JsonValue.Create(1.5),
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => JsonValue.Create("2026-01-01T00:00:00Z"),
            _ when type == typeof(DateOnly) => JsonValue.Create("2026-01-01"),
            _ when type == typeof(TimeSpan) => JsonValue.Create("00:01:00"),
            { IsEnum: true } => JsonValue.Create(Enum.GetNames(type).First()),
            _ when type == typeof(JsonElement) || type == typeof(object) || depth >= MaxDepth => new JsonObject(),
            _ when typeof(IDictionary).IsAssignableFrom(type) || IsGeneric(type, typeof(IReadOnlyDictionary<,>)) || IsGeneric(type, typeof(IDictionary<,>)) =>
                new JsonObject(),
            _ when ElementType(type) is { } element => new JsonArray(Build(element, name, id, depth + 1)),
            _ => Object(type, id, depth),
        };
    }

    private static JsonObject Object(Type type, Func<string, Guid> id, int depth)
    {
        var body = new JsonObject();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
            {
                continue;
            }

            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            body[name] = Build(property.PropertyType, name, id, depth + 1);
        }

        return body;
    }

    /// <summary>Strings that pass the usual checks of a property of that name (an address is an address, a slug a slug).</summary>
    private static string PlausibleString(string name) => name.ToUpperInvariant() switch
    {
        var n when n.Contains("EMAIL", StringComparison.Ordinal) || n == "ADDRESS" => "adversary@evara.test",
        var n when n.Contains("URL", StringComparison.Ordinal) => "https://hooks.example.com/adversary",
        var n when n.Contains("SLUG", StringComparison.Ordinal) || n.Contains("KEY", StringComparison.Ordinal) => "adversary-key",
        var n when n.Contains("PASSWORD", StringComparison.Ordinal) => "Adversary-Horse-9",
        var n when n.Contains("VERSION", StringComparison.Ordinal) => "1.0.0",
        "METRIC" or "FIELD" or "CANONICALFIELD" => "water_level_cm",
        "OPERATOR" => "<",
        "SEVERITY" or "SEVERITYMIN" => "warning",
        _ => "adversary",
    };

    private static Type? ElementType(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType ? type.GetGenericArguments()[0]
        : null;

    private static bool IsGeneric(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition
        || type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    /// <summary>The paths (a.b[0].c) of every leaf of <paramref name="kind"/>.</summary>
    private static IEnumerable<string> Leaves(JsonNode? node, JsonValueKind kind, string path = "") => node switch
    {
        JsonObject o => o.SelectMany(p => Leaves(p.Value, kind, path.Length == 0 ? p.Key : $"{path}.{p.Key}")),
        JsonArray a => a.SelectMany((item, i) => Leaves(item, kind, $"{path}[{i}]")),
        JsonValue v when v.GetValueKind() == kind => [path],
        _ => [],
    };

    private static JsonNode Replace(JsonNode body, string path, JsonNode value)
    {
        var copy = body.DeepClone();
        Descendants(copy).First(n => n.GetPath() == "$." + path || n.GetPath() == "$" + path).ReplaceWith(value);
        return copy;
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node) => node switch
    {
        JsonObject o => o.Select(p => p.Value).OfType<JsonNode>().SelectMany(child => Descendants(child).Prepend(child)),
        JsonArray a => a.OfType<JsonNode>().SelectMany(child => Descendants(child).Prepend(child)),
        _ => [],
    };
}
