using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EvaraTech.Infrastructure.Http;

/// <summary>
/// A route that is being retired: since when (<c>Deprecation</c>, RFC 9745), until when it answers (<c>Sunset</c>,
/// RFC 8594) and what replaces it (<c>Link: &lt;…&gt;; rel="successor-version"</c>). Read by the response headers and
/// by the OpenAPI document (the operation is marked deprecated, with the dates and the successor).
/// </summary>
public sealed record EndpointDeprecation(DateTimeOffset Since, DateTimeOffset Sunset, string Successor)
{
    /// <summary>The API's promise: a version's route keeps answering at least a year after its successor exists.</summary>
    public static readonly TimeSpan MinimumNotice = TimeSpan.FromDays(365);

    /// <summary>RFC 9745: a structured-field date, seconds since the epoch.</summary>
    public string DeprecationHeader => "@" + Since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>RFC 8594: an HTTP date.</summary>
    public string SunsetHeader => Sunset.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);

    public string LinkHeader => $"<{Successor}>; rel=\"successor-version\"";

    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"Deprecated since {Since:yyyy-MM-dd}; answers until {Sunset:yyyy-MM-dd}; use {Successor} instead.");
}

public static class DeprecationEndpoints
{
    /// <summary>
    /// Declares the route deprecated: every answer it gives carries the three headers (<see cref="UseDeprecationHeaders"/>),
    /// and the OpenAPI document marks it.
    /// </summary>
    /// <exception cref="ArgumentException">the sunset comes sooner than <see cref="EndpointDeprecation.MinimumNotice"/> after the deprecation</exception>
    public static TBuilder Deprecated<TBuilder>(this TBuilder builder, DateTimeOffset since, DateTimeOffset sunset, string successor)
        where TBuilder : IEndpointConventionBuilder
    {
        if (sunset - since < EndpointDeprecation.MinimumNotice)
        {
            throw new ArgumentException($"A deprecated route answers at least {EndpointDeprecation.MinimumNotice.TotalDays} days after its deprecation.", nameof(sunset));
        }

        builder.WithMetadata(new EndpointDeprecation(since, sunset, successor));
        return builder;
    }

    /// <summary>
    /// Adds a deprecated route's headers to whatever it answers, refusals (401, 403, 400) and errors included: set as
    /// the response starts, so an error handler that clears the headers does not drop them.
    /// </summary>
    public static IApplicationBuilder UseDeprecationHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<EndpointDeprecation>() is { } deprecation)
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers["Deprecation"] = deprecation.DeprecationHeader;
                headers["Sunset"] = deprecation.SunsetHeader;
                headers.Append("Link", deprecation.LinkHeader);
                return Task.CompletedTask;
            });
        }

        await next(context);
    });
}
