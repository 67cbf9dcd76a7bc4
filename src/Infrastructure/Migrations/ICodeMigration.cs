using System.Data;

namespace EvaraTech.Infrastructure.Migrations;

/// <summary>
/// A migration that needs the application's code, not only SQL (values computed with a secret the database does
/// not hold). It runs in name order among the SQL files, in its own transaction, and is journaled like them.
/// </summary>
public interface ICodeMigration
{
    /// <summary>Sorts among the SQL files' names, e.g. <c>0020_seal_channel_keys</c>.</summary>
    string Name { get; }

    /// <param name="command">makes a command on the migration's connection and transaction</param>
    /// <returns>SQL to run after the code's own commands, in the same transaction</returns>
    string Run(Func<IDbCommand> command);
}
