using EvaraTech.Application.Persistence;
using EvaraTech.Application.Security;
using EvaraTech.Domain;
using Npgsql;

namespace EvaraTech.Infrastructure.Database;

/// <summary>
/// The request's transaction and the connection it runs on, taken from the pool for the transaction only. Every use of
/// the database runs inside a transaction that starts with the caller's context (<c>tenancy.set_user_context</c>,
/// transaction-local), so row-level security always knows who is asking and a pooled connection never carries an
/// identity over. Commands commit through the unit of work; a query's transaction simply ends with the request.
/// </summary>
public sealed class DbSession(NpgsqlDataSource dataSource, ICurrentUser user) : IUnitOfWork, IAsyncDisposable, IDisposable
{
    private const string SetUserContext = "SELECT tenancy.set_user_context($1, $2, $3, $4)";

    /// <summary>
    /// The platform's own work (polling, ingestion, alert evaluation, jobs) runs the same statements for node after node
    /// with arrays and time ranges as parameters; PostgreSQL kept re-planning them (custom plans looked cheaper than
    /// the generic one, and planning took many times what the statements take to run), which cost more than the
    /// work itself. For those transactions, every prepared statement uses its cached generic plan (partition pruning
    /// still happens at run time).
    /// </summary>
    private const string SetSystemContext = SetUserContext + ", set_config('plan_cache_mode', 'force_generic_plan', true)";

    private readonly List<Func<Task>> _afterCommit = [];
    private readonly List<Func<Task>> _afterTransaction = [];
    private NpgsqlConnection? _connection;
    private int _depth;

    public NpgsqlTransaction? Transaction { get; private set; }

    public async ValueTask<NpgsqlConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        _connection ??= await dataSource.OpenConnectionAsync(cancellationToken);
        if (Transaction is null)
        {
            Transaction = await _connection.BeginTransactionAsync(cancellationToken);
            await ApplyUserContextAsync(_connection, Transaction, cancellationToken);
        }

        return _connection;
    }

    /// <remarks>
    /// The transaction itself starts with the first statement, so work that turns out to need no database (an event
    /// handler with nothing to do) costs no round trip.
    /// </remarks>
    public ValueTask BeginAsync(CancellationToken cancellationToken)
    {
        // A command that sends another command joins the outer transaction.
        _depth++;
        return ValueTask.CompletedTask;
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        if (_depth == 0 || --_depth > 0)
        {
            return;
        }

        if (Transaction is not null)
        {
            await Transaction.CommitAsync(cancellationToken);
            await EndTransactionAsync();
        }

        await RunAsync(_afterCommit);
        await RunAsync(_afterTransaction);
    }

    /// <summary>Runs <paramref name="callback"/> once the current transaction has committed (never if it rolls back).</summary>
    public void AfterCommit(Func<Task> callback) => _afterCommit.Add(callback);

    /// <inheritdoc cref="AfterCommit(Func{Task})"/>
    public void AfterCommit(Action callback) => _afterCommit.Add(() =>
    {
        callback();
        return Task.CompletedTask;
    });

    /// <summary>
    /// Runs <paramref name="callback"/> once the current transaction has ended, committed or rolled back, and its
    /// connection is back in the pool; at once when none is open. For work on a connection of its own, which must not
    /// wait for one while this session holds another.
    /// </summary>
    public Task AfterTransactionAsync(Func<Task> callback)
    {
        if (Transaction is null)
        {
            return callback();
        }

        _afterTransaction.Add(callback);
        return Task.CompletedTask;
    }

    public async ValueTask RollbackAsync(CancellationToken cancellationToken)
    {
        if (_depth == 0 || --_depth > 0)
        {
            return;
        }

        _afterCommit.Clear();
        if (Transaction is not null)
        {
            try
            {
                await Transaction.RollbackAsync(cancellationToken);
            }
            finally
            {
                await EndTransactionAsync();
            }
        }

        await RunAsync(_afterTransaction);
    }

    /// <summary>
    /// Ends a query's reads and hands their connection back to the pool before the query waits on something outside
    /// (ThingSpeak), so a slow answer holds no connection; a later read opens another transaction. A command's work
    /// commits together, so there is nothing to end inside one.
    /// </summary>
    public async ValueTask EndReadsAsync()
    {
        if (_depth > 0)
        {
            throw new InvalidOperationException("A command's transaction ends with the command.");
        }

        await EndTransactionAsync();
        await RunAsync(_afterTransaction);
    }

    public async ValueTask DisposeAsync()
    {
        await EndTransactionAsync();
        await RunAsync(_afterTransaction);
    }

    /// <summary>For scopes disposed synchronously (some job runners do).</summary>
    public void Dispose()
    {
        Transaction?.Dispose();
        Transaction = null;
        _connection?.Dispose();
        _connection = null;
        RunAsync(_afterTransaction).GetAwaiter().GetResult();
    }

    private static async Task RunAsync(List<Func<Task>> callbacks)
    {
        var due = callbacks.ToArray();
        callbacks.Clear();
        foreach (var callback in due)
        {
            await callback();
        }
    }

    /// <summary>The role name the database's <c>tenancy.in_scope</c> understands for the caller.</summary>
    private static string? ContextRole(ICurrentUser user) => user switch
    {
        { IsSystem: true } => "system",
        { Role: Role.Superadmin } => "superadmin",
        { Role: Role.Distributor } => "distributor",
        { Role: Role.Customer } => "customer",
        _ => null,
    };

    /// <summary>
    /// Re-applies the caller's context to the open transaction, for the one case where the caller changes while a
    /// command runs: a verified webhook that now acts as the platform.
    /// </summary>
    public async Task RefreshUserContextAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync(cancellationToken);
        await ApplyUserContextAsync(connection, Transaction!, cancellationToken);
    }

    private async Task ApplyUserContextAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var scope = user.Scope;
        await using var command = new NpgsqlCommand(user.IsSystem ? SetSystemContext : SetUserContext, connection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid?> { TypedValue = user.UserId },
                new NpgsqlParameter<string?> { TypedValue = ContextRole(user) },
                new NpgsqlParameter<Guid?> { TypedValue = scope.Kind == ScopeKind.Everything ? null : scope.DistributorId },
                new NpgsqlParameter<Guid?> { TypedValue = scope.CustomerId },
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Ends the transaction and gives the connection back to the pool: what runs after a commit (the events'
    /// dispatch, the rest of a request) takes a connection of its own, and none is held while it waits for one.
    /// </summary>
    private async ValueTask EndTransactionAsync()
    {
        if (Transaction is not null)
        {
            await Transaction.DisposeAsync();
            Transaction = null;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }
}
