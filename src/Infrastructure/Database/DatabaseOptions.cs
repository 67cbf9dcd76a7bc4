namespace EvaraTech.Infrastructure.Database;

/// <summary>The <c>Database</c> settings section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations while the host starts (on by default; off when a deployment runs <c>migrate</c> separately).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>Folder of the SQL migrations; relative paths resolve against the application's base directory.</summary>
    public string MigrationsPath { get; set; } = "db/migrations";
}
