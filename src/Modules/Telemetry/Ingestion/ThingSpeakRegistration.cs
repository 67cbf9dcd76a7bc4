using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;

namespace EvaraTech.Modules.Telemetry.Ingestion;

/// <summary>
/// The ThingSpeak client and its resilience (Microsoft.Extensions.Http.Resilience): a per-attempt timeout, two retries
/// with jittered exponential backoff on transient failures that honour a short 429 Retry-After, in seconds or as a
/// date (a long one is the poller's to respect), a total budget, and a circuit breaker that opens only when most requests fail (one dead
/// channel among many never trips it).
/// </summary>
internal static class ThingSpeakRegistration
{
    public static IServiceCollection AddThingSpeakClient(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("ThingSpeak");
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient<ThingSpeakClient>(client => client.BaseAddress = new Uri(section["BaseUrl"] ?? "https://api.thingspeak.com/"))
            .AddStandardResilienceHandler(options =>
            {
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(section.GetValue("AttemptTimeoutSeconds", 5));
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(section.GetValue("TotalTimeoutSeconds", 15));
                options.Retry.MaxRetryAttempts = 2;
                options.Retry.Delay = TimeSpan.FromSeconds(section.GetValue("RetryDelaySeconds", 2.0));
                options.Retry.UseJitter = true;
                options.Retry.ShouldRetryAfterHeader = true;
                // A long Retry-After is not waited out inside one poll: the poller skips the node until then.
                var longestWait = TimeSpan.FromSeconds(section.GetValue("MaxRetryAfterSeconds", 5));
                options.Retry.ShouldHandle = args => ValueTask.FromResult(
                    HttpClientResiliencePredicates.IsTransient(args.Outcome)
                    && !(args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } limited
                        && ThingSpeakClient.RetryAfter(limited.Headers.RetryAfter, TimeProvider.System.GetUtcNow()) > longestWait));
                options.CircuitBreaker.FailureRatio = 0.5;
                options.CircuitBreaker.MinimumThroughput = 100;
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(60);
            });
        return services;
    }
}
