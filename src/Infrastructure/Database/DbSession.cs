using EvaraTech.Application.Persistence;
using Npgsql;

namespace EvaraTech.Infrastructure.Database;

/// <summary>
/// The request's one connection (opened on first use) and, inside a command, its one transaction.
/// Persistence code asks for <see cref="ConnectionAsync"/> and passes <see cref="Transaction"/> to Dapper.
/// </summary>
public sealed class DbSession(NpgsqlDataSource dataSource) : IUnitOfWork, IAsyncDisposable, IDisposable
{
    private NpgsqlConnection? _connection;
    private int _depth;

    public NpgsqlTransaction? Transaction { get; private set; }

    public async ValueTask<NpgsqlConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            _connection = dataSource.CreateConnection();
            await _connection.OpenAsync(cancellationToken);
        }

        return _connection;
    }

    public async ValueTask BeginAsync(CancellationToken cancellationToken)
    {
        // A command that sends another command joins the outer transaction.
        if (_depth++ > 0)
        {
            return;
        }

        var connection = await ConnectionAsync(cancellationToken);
        Transaction = await connection.BeginTransactionAsync(cancellationToken);
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        if (--_depth > 0 || Transaction is null)
        {
            return;
        }

        await Transaction.CommitAsync(cancellationToken);
        await EndTransactionAsync();
    }

    public async ValueTask RollbackAsync(CancellationToken cancellationToken)
    {
        if (--_depth > 0 || Transaction is null)
        {
            return;
        }

        try
        {
            await Transaction.RollbackAsync(cancellationToken);
        }
        finally
        {
            await EndTransactionAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await EndTransactionAsync();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }

    /// <summary>For scopes disposed synchronously (some job runners do).</summary>
    public void Dispose()
    {
        Transaction?.Dispose();
        Transaction = null;
        _connection?.Dispose();
        _connection = null;
    }

    private async ValueTask EndTransactionAsync()
    {
        if (Transaction is not null)
        {
            await Transaction.DisposeAsync();
            Transaction = null;
        }
    }
}
