namespace EvaraTech.Application.Persistence;

/// <summary>
/// The transaction boundary of one command. Infrastructure owns the connection; the application only says
/// when the work starts, succeeds or is abandoned.
/// </summary>
public interface IUnitOfWork
{
    ValueTask BeginAsync(CancellationToken cancellationToken);

    ValueTask CommitAsync(CancellationToken cancellationToken);

    ValueTask RollbackAsync(CancellationToken cancellationToken);
}

public static class UnitOfWork
{
    /// <summary>
    /// The one transaction path, for commands, integration-event handlers and the platform's own work alike: runs
    /// <paramref name="work"/> in the unit of work, committed when it returns and rolled back when it throws; work
    /// started inside another joins the outer transaction.
    /// </summary>
    public static async Task<T> RunAsync<T>(this IUnitOfWork unitOfWork, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await unitOfWork.BeginAsync(cancellationToken);
        try
        {
            var result = await work();
            await unitOfWork.CommitAsync(cancellationToken);
            return result;
        }
        catch
        {
            await unitOfWork.RollbackAsync(CancellationToken.None);
            throw;
        }
    }

    /// <inheritdoc cref="RunAsync{T}"/>
    public static Task RunAsync(this IUnitOfWork unitOfWork, Func<Task> work, CancellationToken cancellationToken) =>
        unitOfWork.RunAsync(async () =>
        {
            await work();
            return true;
        }, cancellationToken);
}
