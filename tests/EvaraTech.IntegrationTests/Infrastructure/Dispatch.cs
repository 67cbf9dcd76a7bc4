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
}
