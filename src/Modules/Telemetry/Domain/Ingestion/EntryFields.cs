namespace EvaraTech.Modules.Telemetry.Domain.Ingestion;

/// <summary>
/// What an entry may carry to the pipeline, whatever its source: the channel's <c>field1</c>..<c>field8</c>, and the
/// device's own <c>status</c> and <c>firmware</c> (<see cref="ReportedFirmware"/>).
/// </summary>
public static class EntryFields
{
    public static readonly IReadOnlyList<string> Names =
        [.. Enumerable.Range(1, 8).Select(i => $"field{i}"), ReportedFirmware.Status, ReportedFirmware.Field];

    public static bool IsCarried(string name) => Names.Contains(name);
}
