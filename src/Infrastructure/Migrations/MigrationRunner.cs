using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.ScriptProviders;
using Microsoft.Extensions.Logging;

namespace EvaraTech.Infrastructure.Migrations;

/// <summary>Why start-up stopped: the migration that failed and what the server said.</summary>
public sealed class MigrationFailedException(string script, Exception error)
    : Exception($"Migration '{script}' failed and was rolled back: {error.Message}", error)
{
    public string Script { get; } = script;
}

/// <summary>
/// Applies the plain SQL files of a folder in name order, each in its own transaction, and records each one in
/// <c>public.schema_migrations</c> so a second run applies nothing.
/// </summary>
public static class MigrationRunner
{
    public const string JournalSchema = "public";
    public const string JournalTable = "schema_migrations";

    /// <param name="code">migrations written in code, run among the SQL files in name order</param>
    /// <returns>The names of the scripts applied by this run (empty when the database was up to date).</returns>
    public static IReadOnlyList<string> Run(string connectionString, string folder, ILogger logger, IEnumerable<ICodeMigration>? code = null)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Migrations folder '{folder}' does not exist.");
        }

        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsFromFileSystem(folder, new FileSystemScriptOptions
            {
                IncludeSubDirectories = false,
                Filter = path => path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase),
            })
            .WithTransactionPerScript()
            // Migrations are plain SQL: `$tag$` is PostgreSQL dollar quoting, never a DbUp variable.
            .WithVariablesDisabled()
            .JournalToPostgresqlTable(JournalSchema, JournalTable)
            .LogTo(new UpgradeLog(logger));
        foreach (var migration in code ?? [])
        {
            upgrader = upgrader.WithScript(migration.Name, new CodeScript(migration));
        }


        var result = upgrader.Build().PerformUpgrade();
        if (!result.Successful)
        {
            throw new MigrationFailedException(result.ErrorScript?.Name ?? "(unknown)", result.Error);
        }

        var applied = result.Scripts.Select(s => s.Name).ToList();
        logger.LogInformation("Migrations: {Count} applied ({Scripts})", applied.Count, string.Join(", ", applied));
        return applied;
    }

    private sealed class CodeScript(ICodeMigration migration) : IScript
    {
        public string ProvideScript(Func<System.Data.IDbCommand> dbCommandFactory) => migration.Run(dbCommandFactory);
    }

    /// <summary>DbUp's chatter goes to debug; its errors to the application log.</summary>
    private sealed class UpgradeLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => Log(LogLevel.Trace, format, args);

        public void LogDebug(string format, params object[] args) => Log(LogLevel.Debug, format, args);

        public void LogInformation(string format, params object[] args) => Log(LogLevel.Debug, format, args);

        public void LogWarning(string format, params object[] args) => Log(LogLevel.Warning, format, args);

        public void LogError(string format, params object[] args) => Log(LogLevel.Error, format, args);

        public void LogError(Exception ex, string format, params object[] args)
        {
            if (logger.IsEnabled(LogLevel.Error))
            {
                logger.LogError(ex, "{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
            }
        }

        private void Log(LogLevel level, string format, object[] args)
        {
            if (logger.IsEnabled(level))
            {
                logger.Log(level, "{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
            }
        }
    }
}
