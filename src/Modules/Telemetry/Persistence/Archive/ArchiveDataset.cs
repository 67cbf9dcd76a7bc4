using System.Globalization;
using EvaraTech.Modules.Telemetry.Domain;

namespace EvaraTech.Modules.Telemetry.Persistence.Archive;

/// <summary>
/// One archived table: a type's raw readings or one of its rollups. Every identifier the archive puts in a statement
/// comes from here. Objects are keyed by dataset, UTC week (Monday), node and the start of their checksum, so each
/// version of a week has a key of its own: <c>telemetry/tank/2026-08-03/&lt;node&gt;-&lt;sha256 prefix&gt;.parquet</c>, beside the
/// week's <c>manifest.json</c>.
/// </summary>
public sealed record ArchiveDataset(TelemetryTable Table, SeriesResolution Resolution)
{
    public static readonly IReadOnlyList<ArchiveDataset> All =
    [
        .. TelemetryTable.All.SelectMany(t => new[] { SeriesResolution.Raw, SeriesResolution.Hour, SeriesResolution.Day }.Select(r => new ArchiveDataset(t, r))),
    ];

    public static ArchiveDataset Raw(TelemetryTable table) => All.First(d => d.Table == table && d.Resolution == SeriesResolution.Raw);

    public static readonly TimeSpan Week = TimeSpan.FromDays(7);

    /// <summary>The manifest's name: <c>tank</c>, <c>tank_hourly</c>, <c>tank_daily</c>.</summary>
    public string Name => Resolution switch
    {
        SeriesResolution.Raw => Table.Key,
        SeriesResolution.Hour => $"{Table.Key}_hourly",
        _ => $"{Table.Key}_daily",
    };

    public string Relation => Resolution == SeriesResolution.Raw ? Table.RawTable : Table.RollupTable(Resolution);

    public string TimeColumn => Resolution == SeriesResolution.Raw ? "\"timestamp\"" : "bucket";

    public string ObjectKey(Guid nodeId, DateTimeOffset weekStart, string sha256) => $"{WeekFolder(weekStart)}/{nodeId}-{sha256[..16]}.parquet";

    public string ManifestKey(DateTimeOffset weekStart) => $"{WeekFolder(weekStart)}/manifest.json";

    private string WeekFolder(DateTimeOffset weekStart) =>
        $"telemetry/{Name}/{weekStart.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
}
