using System.Text.RegularExpressions;

namespace EvaraTech.Modules.Telemetry.Domain.Ingestion;

/// <summary>
/// The firmware version a device reports with its readings: a <c>firmware</c> member of the entry (device push, bulk
/// update, gateway), or ThingSpeak's status text carrying <c>fw=1.4.2</c> (also <c>fw:1.4.2</c>, among other words).
/// Anything that is not a version (letters, digits, dots, dashes, plus, underscore; at most 50) is not one and is
/// ignored: a reading is never refused for its status text.
/// </summary>
public static partial class ReportedFirmware
{
    public const string Field = "firmware";

    public const string Status = "status";

    /// <returns>the version the entry reports, or null</returns>
    public static string? Of(RawEntry entry)
    {
        if (entry.Fields.GetValueOrDefault(Field)?.Trim() is { Length: > 0 } firmware)
        {
            return Version().IsMatch(firmware) ? firmware : null;
        }

        return entry.Fields.GetValueOrDefault(Status) is { } status && InStatus().Match(status) is { Success: true } match
            ? match.Groups["version"].Value
            : null;
    }

    [GeneratedRegex(@"^[0-9A-Za-z][0-9A-Za-z._+-]{0,49}$")]
    private static partial Regex Version();

    [GeneratedRegex(@"(?:^|[\s;,|])fw\s*[=:]\s*(?<version>[0-9A-Za-z][0-9A-Za-z._+-]{0,49})(?![0-9A-Za-z._+-])", RegexOptions.IgnoreCase)]
    private static partial Regex InStatus();
}
