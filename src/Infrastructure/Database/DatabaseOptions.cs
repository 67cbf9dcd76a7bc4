namespace EvaraTech.Infrastructure.Database;

/// <summary>The <c>Database</c> settings section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations while the host starts (on by default; off when a deployment runs <c>migrate</c> separately).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// How long start-up waits for PostgreSQL to answer (a database container still starting, a failover), retrying
    /// with a doubling back-off, before it gives up.
    /// </summary>
    public TimeSpan StartupWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Folder of the SQL migrations; relative paths resolve against the application's base directory.</summary>
    public string MigrationsPath { get; set; } = "db/migrations";
}
