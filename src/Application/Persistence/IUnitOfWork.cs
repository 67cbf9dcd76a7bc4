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
