using System.Net.Sockets;
using Npgsql;

namespace EvaraTech.Infrastructure.Database;

/// <summary>Tells "the database is not there right now" (503, retry later) from a defect (500).</summary>
public static class DatabaseFailures
{
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources
            || pg.SqlState.StartsWith("57P", StringComparison.Ordinal), // operator intervention, shutting down
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or TimeoutException,
        SocketException => true,
        // Npgsql raises a plain TimeoutException when the pool cannot hand out a connection in time.
        TimeoutException => true,
        _ => exception.InnerException is not null && IsUnavailable(exception.InnerException),
    };

    /// <summary>Text PostgreSQL refuses to store: a NUL byte (22021), or <c>\u0000</c> in JSON (22P05).</summary>
    public static bool IsUnstorableText(Exception exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter } => true,
        _ => exception.InnerException is not null && IsUnstorableText(exception.InnerException),
    };
}
