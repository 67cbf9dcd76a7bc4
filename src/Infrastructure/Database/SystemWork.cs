using EvaraTech.Application.Persistence;
using EvaraTech.Application.Security;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Infrastructure.Database;

/// <summary>The platform's own work outside a request (jobs, pollers): a scope of its own, acting as the system.</summary>
public static class SystemWork
{
    /// <summary>
    /// Runs <paramref name="work"/> as the system in a fresh scope and one transaction, committed when it returns
    /// (rolled back when it throws). Commands sent inside join that transaction.
    /// </summary>
    public static async Task<T> RunAsync<T>(this IServiceScopeFactory scopes, Func<IServiceProvider, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ICurrentUser>().ActAsSystem();
        return await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().RunAsync(() => work(scope.ServiceProvider), cancellationToken);
    }
}
