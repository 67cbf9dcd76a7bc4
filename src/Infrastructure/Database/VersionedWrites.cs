using EvaraTech.Application.Errors;
using Npgsql;

namespace EvaraTech.Infrastructure.Database;

/// <summary>
/// The outcome of <c>UPDATE … WHERE id = @id AND version = @expected AND &lt;scope&gt;</c>: when no row changed, the
/// row either is not there for this caller (404, also for other tenants' rows) or was changed since it was read (409).
/// </summary>
public static class VersionedWrites
{
    public static async Task<T> EnsureAppliedAsync<T>(T? written, Func<Task<bool>> existsInScope, string resource)
        where T : class
    {
        if (written is not null)
        {
            return written;
        }

        throw await existsInScope() ? AppException.ConcurrencyConflict(resource) : AppException.NotFound(resource);
    }

    /// <summary>The same for a statement that returns a value (the new version) instead of a row.</summary>
    public static async Task<T> EnsureAppliedAsync<T>(T? written, Func<Task<bool>> existsInScope, string resource)
        where T : struct =>
        written ?? throw (await existsInScope() ? AppException.ConcurrencyConflict(resource) : AppException.NotFound(resource));

    /// <summary>Runs a write, turning a violation of one of the named <paramref name="constraints"/> into its 409.</summary>
    public static async Task<T> TranslatingConflictsAsync<T>(Func<Task<T>> write, IReadOnlyDictionary<string, (string Message, string? Field)> constraints)
    {
        try
        {
            return await write();
        }
        catch (PostgresException ex) when (ConflictFor(ex, constraints) is { } conflict)
        {
            throw conflict;
        }
    }

    /// <summary>Turns a named constraint's violation into a 409 naming the field; anything else is rethrown.</summary>
    public static AppException? ConflictFor(PostgresException exception, IReadOnlyDictionary<string, (string Message, string? Field)> constraints) =>
        exception.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation or PostgresErrorCodes.ExclusionViolation
        && exception.ConstraintName is { } name && constraints.TryGetValue(name, out var conflict)
            ? new AppException(ErrorKind.Conflict, ErrorCodes.Conflict, conflict.Message, conflict.Field)
            : null;
}
