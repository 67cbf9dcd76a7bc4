using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Modules.Telemetry.Ingestion;

/// <summary>
/// The ThingSpeak client and its resilience (Microsoft.Extensions.Http.Resilience): a per-attempt timeout, two retries
/// with jittered exponential backoff on transient failures that honour 429 Retry-After, a total budget, and a circuit
/// breaker that opens only when most requests fail (one dead channel among many never trips it).
/// </summary>
internal static class ThingSpeakRegistration
{
    public static IServiceCollection AddThingSpeakClient(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("ThingSpeak");
        services.AddHttpClient<ThingSpeakClient>(client => client.BaseAddress = new Uri(section["BaseUrl"] ?? "https://api.thingspeak.com/"))
            .AddStandardResilienceHandler(options =>
            {
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(section.GetValue("AttemptTimeoutSeconds", 5));
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(section.GetValue("TotalTimeoutSeconds", 15));
                options.Retry.MaxRetryAttempts = 2;
                options.Retry.UseJitter = true;
                options.Retry.ShouldRetryAfterHeader = true;
                options.CircuitBreaker.FailureRatio = 0.5;
                options.CircuitBreaker.MinimumThroughput = 100;
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(60);
            });
        return services;
    }
}
