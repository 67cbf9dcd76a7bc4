using EvaraTech.Infrastructure.Messaging;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>
/// Integration events are handled after the request that published them has answered: a test that looks at a
/// handler's work (an alert, an audit row of a login, a broadcast) first waits for the host's queue to empty.
/// </summary>
public static class Dispatch
{
    public static async Task HandledAsync(this WebApplicationFactory<Program> api)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await api.Services.GetRequiredService<OutboxDispatchQueue>().WhenIdleAsync(timeout.Token);
    }

    /// <summary>Time passes for the outbox: past the in-process dispatch window and every back-off, so a sweep retries all.</summary>
    public static Task PastEveryBackOffAsync(this TestDatabase database) => database.ExecuteAsync("""
        UPDATE integration.outbox SET occurred_at = occurred_at - interval '1 minute',
                                      next_attempt_at = CASE WHEN next_attempt_at IS NOT NULL THEN now() - interval '1 second' END;
        UPDATE integration.deliveries SET next_attempt_at = now() - interval '1 second' WHERE next_attempt_at IS NOT NULL;
        """);
}
