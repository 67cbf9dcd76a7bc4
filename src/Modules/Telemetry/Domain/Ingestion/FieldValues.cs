using System.Globalization;

namespace EvaraTech.Modules.Telemetry.Domain.Ingestion;

/// <summary>
/// The spellings real firmware sends for one value: Arduino's <c>String(x, 5)</c> gives <c>1.00000</c> for an integer
/// or a flag, sketches send <c>true</c>, <c>HIGH</c> or <c>on</c>, and serial bridges leave CR/LF behind (trimmed by
/// the caller). Each reader answers the value, or why it is not one.
/// </summary>
public static class FieldValues
{
    private static readonly IReadOnlyDictionary<string, string> PumpStates = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["running"] = "running", ["on"] = "running", ["true"] = "running", ["high"] = "running",
        ["stopped"] = "stopped", ["off"] = "stopped", ["false"] = "stopped", ["low"] = "stopped",
        ["fault"] = "fault",
    };

    private static readonly IReadOnlyDictionary<string, double> Flags = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase)
    {
        ["true"] = 1, ["high"] = 1, ["on"] = 1, ["yes"] = 1,
        ["false"] = 0, ["low"] = 0, ["off"] = 0, ["no"] = 0,
    };

    /// <summary>Pump status codes: 0 stopped, 1 running, 2 fault.</summary>
    private static readonly string[] PumpCodes = ["stopped", "running", "fault"];

    public static (double Value, string? Reason) Number(string text) =>
        !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? (0, $"'{Shorten(text)}' is not a number")
        : !double.IsFinite(value) ? (0, $"'{Shorten(text)}' is not a finite number")
        : (value, null);

    /// <summary>A flag: a word (true/false, HIGH/LOW, on/off, yes/no) or a number that is exactly 0 or 1.</summary>
    public static (double Value, string? Reason) Boolean(string text)
    {
        if (Flags.TryGetValue(text, out var flag))
        {
            return (flag, null);
        }

        var (value, reason) = Number(text);
        return reason is null && value is not (0 or 1) ? (0, $"'{Shorten(text)}' is not a boolean (0/1, true/false, HIGH/LOW, on/off)") : (value, reason);
    }

    /// <returns>running, stopped or fault; null when the text names none</returns>
    public static string? PumpStatus(string text) =>
        PumpStates.TryGetValue(text, out var state) ? state
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var code) && code is 0 or 1 or 2 ? PumpCodes[(int)code]
        : null;

    public static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
