using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Security;

/// <summary>A parameter of a route: its name as the client spells it and its CLR type (string when only the template names it).</summary>
public sealed record AdversarialParameter(string Name, Type Type, string? Constraint = null)
{
    public bool IsGuid => Nullable.GetUnderlyingType(Type) is { } inner ? inner == typeof(Guid) : Type == typeof(Guid) || Constraint == "guid";

    public bool IsNumber => Constraint is "long" or "int" || Type == typeof(int) || Type == typeof(long) || Type == typeof(double)
        || Nullable.GetUnderlyingType(Type) is { } inner && (inner == typeof(int) || inner == typeof(long) || inner == typeof(double));
}

/// <summary>
/// One method of one endpoint of the running host, with what the suite needs to attack it: its route and query
/// parameters, the type of its JSON body (when it binds one) and whether it lets anonymous callers in (it allows them
/// explicitly, or asks for no authorization at all, as the health checks and the API reference do).
/// </summary>
public sealed partial record AdversarialRoute(
    string Method, string Pattern, IReadOnlyList<AdversarialParameter> RouteParameters, IReadOnlyList<AdversarialParameter> QueryParameters,
    Type? BodyType, bool AllowsAnonymous)
{
    public bool TakesBody => Method is "POST" or "PUT" or "PATCH";

    public bool IsHub => Pattern.StartsWith("/hubs/", StringComparison.Ordinal);

    /// <summary>The path with each route parameter replaced by <paramref name="value"/>'s answer for it (already URL-encoded).</summary>
    public string Path(Func<AdversarialParameter, string> value) => TemplateParameter().Replace(Pattern, match =>
        value(RouteParameters.Single(p => p.Name == match.Groups["name"].Value)));

    public override string ToString() => $"{Method} {Pattern}";

    [GeneratedRegex(@"\{\**(?<name>[^}:=?]+)[^}]*\}")]
    internal static partial Regex TemplateParameter();
}

/// <summary>
/// Every route of the host, read from its endpoint data source, so a route added to the API is attacked without anyone
/// adding it here. The API explorer (registered by AddOpenApi) supplies query parameter names and body types; routes it
/// does not describe are still attacked through their template.
/// </summary>
public static class AdversarialRoutes
{
    public static IReadOnlyList<AdversarialRoute> Of(IServiceProvider services)
    {
        var descriptions = services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items
            .SelectMany(g => g.Items)
            .GroupBy(d => Key(d.HttpMethod ?? "GET", d.RelativePath ?? ""))
            .ToDictionary(g => g.Key, g => g.First());

        return [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(endpoint => Methods(endpoint).Select(method => Describe(endpoint, method, descriptions)))
            .DistinctBy(route => route.ToString())
            .OrderBy(route => route.Pattern, StringComparer.Ordinal).ThenBy(route => route.Method, StringComparer.Ordinal)];
    }

    private static IEnumerable<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods : ["GET"];

    private static AdversarialRoute Describe(RouteEndpoint endpoint, string method, IReadOnlyDictionary<string, ApiDescription> descriptions)
    {
        var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
        descriptions.TryGetValue(Key(method, pattern), out var description);
        var parameters = description?.ParameterDescriptions ?? [];
        var routeParameters = endpoint.RoutePattern.Parameters.Select(p => new AdversarialParameter(p.Name,
            parameters.FirstOrDefault(d => d.Name == p.Name)?.Type ?? typeof(string),
            p.ParameterPolicies.Select(policy => policy.Content).FirstOrDefault()));
        var query = parameters.Where(d => d.Source == BindingSource.Query || d.Source == BindingSource.ModelBinding && d.Type is { IsPrimitive: true })
            .Select(d => new AdversarialParameter(d.Name, d.Type ?? typeof(string)));
        var body = parameters.FirstOrDefault(d => d.Source == BindingSource.Body)?.Type;
        return new AdversarialRoute(method, pattern, [.. routeParameters], [.. query], body,
            endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null || endpoint.Metadata.GetMetadata<IAuthorizeData>() is null);
    }

    /// <summary>The API explorer drops the leading slash and the constraints; the endpoint keeps both.</summary>
    private static string Key(string method, string path) =>
        method.ToUpperInvariant() + " " + AdversarialRoute.TemplateParameter().Replace(path.TrimStart('/'), m => "{" + m.Groups["name"].Value + "}");
}
