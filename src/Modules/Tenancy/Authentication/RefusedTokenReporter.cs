using System.Collections.Concurrent;
using EvaraTech.Modules.Tenancy.Contracts;
using Microsoft.Extensions.Hosting;

namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>
/// Counts refused tokens per reason and reports them once a minute as one <see cref="TokensRefused"/> event, so an
/// attack sending thousands of forged tokens costs the audit trail one row a minute, not a row a request.
/// Per instance: each instance reports its own counts.
/// </summary>
public sealed class RefusedTokenReporter(IServiceScopeFactory scopes, TimeProvider clock, ILogger<RefusedTokenReporter> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private DateTimeOffset _windowStart = clock.GetUtcNow();

    public void Record(string reason) => _counts.AddOrUpdate(reason, 1, (_, count) => count + 1);

    /// <returns>how many refusals the report covered (0: nothing to report)</returns>
    public async Task<long> FlushAsync(CancellationToken cancellationToken)
    {
        var counts = Interlocked.Exchange(ref _counts, new ConcurrentDictionary<string, long>(StringComparer.Ordinal));
        var now = clock.GetUtcNow();
        var windowStart = _windowStart;
        _windowStart = now;
        if (counts.IsEmpty)
        {
            return 0;
        }

        await using var scope = scopes.CreateAsyncScope();
        var events = scope.ServiceProvider.GetRequiredService<IIntegrationEventPublisher>();
        await events.PublishDetachedAsync(
            new TokensRefused(Guid.CreateVersion7(), now, windowStart, now, counts.ToDictionary(c => c.Key, c => c.Value)), cancellationToken);
        return counts.Values.Sum();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FlushAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not report refused tokens; they will be counted in the next report");
            }
        }
    }
}
