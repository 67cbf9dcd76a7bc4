namespace EvaraTech.Modules.Alerts.Domain;

/// <summary>How bad an alert is, least to most severe (the order <see cref="Severities.Reaches"/> compares by).</summary>
public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>The severities as they are stored and sent: lower case, least to most severe.</summary>
public static class Severities
{
    private static readonly string[] Names = [.. Enum.GetValues<AlertSeverity>().Select(s => s.ToString().ToLowerInvariant())];

    public static IReadOnlyList<string> All => Names;

    /// <summary>Whether an alert of <paramref name="severity"/> is at least <paramref name="minimum"/>.</summary>
    public static bool Reaches(string severity, string minimum) => Rank(severity) >= Rank(minimum);

    private static int Rank(string severity) => Array.IndexOf(Names, severity);
}
