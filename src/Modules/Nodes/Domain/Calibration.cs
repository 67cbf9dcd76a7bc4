using System.Text.Json;
using System.Text.Json.Nodes;

namespace EvaraTech.Modules.Nodes.Domain;

/// <summary>The calibration transforms a node's field can have, spelled as nodes.device_calibration stores them.</summary>
public static class CalibrationKinds
{
    public const string Linear = "linear";
    public const string Polynomial = "polynomial";
    public const string LookupTable = "lookup_table";

    public static readonly IReadOnlyList<string> All = [Linear, Polynomial, LookupTable];
}

/// <summary>When a calibration applies: from <see cref="ValidFrom"/> until <see cref="ValidUntil"/> (open-ended when null).</summary>
public sealed record CalibrationPeriod(Guid Id, string FieldName, DateTimeOffset ValidFrom, DateTimeOffset? ValidUntil)
{
    public bool Overlaps(DateTimeOffset from, DateTimeOffset? until) =>
        (until is null || ValidFrom < until) && (ValidUntil is null || from < ValidUntil);
}

/// <summary>A calibration of one numeric field of a node, its parameters checked against its kind.</summary>
public sealed record Calibration(Guid Id, string FieldName, string Kind, JsonObject Parameters, DateTimeOffset ValidFrom, DateTimeOffset? ValidUntil)
{
    public const int MaximumPolynomialTerms = 6;
    public const int MaximumLookupPoints = 256;

    /// <param name="existing">the node's calibration periods of the same field, to refuse an overlap</param>
    public static Calibration Define(AnalyticsType type, string? fieldName, string? kind, JsonElement? parameters,
        DateTimeOffset? validFrom, DateTimeOffset? validUntil, IEnumerable<CalibrationPeriod> existing)
    {
        var field = CanonicalFields.Find(type, fieldName)
            ?? throw Invalid($"field must be a field of {type} telemetry.", "field");
        if (!field.IsNumeric)
        {
            throw Invalid($"{field.Name} is not numeric and can't be calibrated.", "field");
        }

        if (kind is null || !CalibrationKinds.All.Contains(kind))
        {
            throw Invalid($"type is one of {string.Join(", ", CalibrationKinds.All)}.", "type");
        }

        var from = validFrom ?? throw Invalid("validFrom is required.", "validFrom");
        if (validUntil is { } until && until <= from)
        {
            throw Invalid("validUntil must be after validFrom.", "validUntil");
        }

        var clash = existing.FirstOrDefault(p => p.FieldName == field.Name && p.Overlaps(from, validUntil));
        if (clash is not null)
        {
            throw new DomainRuleViolation("CALIBRATION_OVERLAP",
                $"{field.Name} already has a calibration valid from {clash.ValidFrom:O}{(clash.ValidUntil is { } u ? $" until {u:O}" : "")}; close it first.",
                "validFrom");
        }

        return new Calibration(Guid.CreateVersion7(), field.Name, kind, ValidParameters(kind, parameters), from, validUntil);
    }

    /// <summary>The end of an open calibration; a closed one stays as it was recorded.</summary>
    public static DateTimeOffset Close(CalibrationPeriod period, DateTimeOffset? validUntil)
    {
        if (period.ValidUntil is not null)
        {
            throw new DomainRuleViolation("CALIBRATION_CLOSED", "This calibration is already closed.", "validUntil");
        }

        var until = validUntil ?? throw Invalid("validUntil is required.", "validUntil");
        return until > period.ValidFrom ? until : throw Invalid("validUntil must be after the calibration's validFrom.", "validUntil");
    }

    private static JsonObject ValidParameters(string kind, JsonElement? parameters)
    {
        if (parameters is not { ValueKind: JsonValueKind.Object } p)
        {
            throw Invalid("parameters is an object.", "parameters");
        }

        return kind switch
        {
            CalibrationKinds.Linear => new JsonObject
            {
                ["slope"] = Number(p, "slope", nonZero: true),
                ["intercept"] = Number(p, "intercept", nonZero: false),
            },
            CalibrationKinds.Polynomial => new JsonObject { ["coefficients"] = Coefficients(p) },
            _ => new JsonObject { ["points"] = Points(p) },
        };
    }

    private static double Number(JsonElement parameters, string name, bool nonZero) =>
        parameters.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
        && value.GetDouble() is var number && double.IsFinite(number) && (!nonZero || number != 0)
            ? number
            : throw Invalid($"parameters.{name} is a finite number{(nonZero ? " other than 0" : "")}.", $"parameters.{name}");

    /// <summary>c0 + c1·x + c2·x² …: one to six finite coefficients.</summary>
    private static JsonArray Coefficients(JsonElement parameters)
    {
        if (!parameters.TryGetProperty("coefficients", out var list) || list.ValueKind != JsonValueKind.Array
            || list.GetArrayLength() is < 1 or > MaximumPolynomialTerms
            || list.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.Number || !double.IsFinite(c.GetDouble())))
        {
            throw Invalid($"parameters.coefficients is a list of 1 to {MaximumPolynomialTerms} numbers, lowest power first.", "parameters.coefficients");
        }

        return [.. list.EnumerateArray().Select(c => (JsonNode)c.GetDouble())];
    }

    /// <summary>[[raw, value], …]: at least two points, raw strictly increasing, interpolated linearly between.</summary>
    private static JsonArray Points(JsonElement parameters)
    {
        const string Rule = "parameters.points is a list of 2 to 256 [raw, value] pairs with raw strictly increasing.";
        if (!parameters.TryGetProperty("points", out var list) || list.ValueKind != JsonValueKind.Array
            || list.GetArrayLength() is < 2 or > MaximumLookupPoints)
        {
            throw Invalid(Rule, "parameters.points");
        }

        var points = new JsonArray();
        double? previous = null;
        foreach (var point in list.EnumerateArray())
        {
            if (point.ValueKind != JsonValueKind.Array || point.GetArrayLength() != 2
                || point.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble())))
            {
                throw Invalid(Rule, "parameters.points");
            }

            var raw = point[0].GetDouble();
            if (raw <= previous)
            {
                throw Invalid(Rule, "parameters.points");
            }

            previous = raw;
            points.Add(new JsonArray(raw, point[1].GetDouble()));
        }

        return points;
    }

    private static DomainRuleViolation Invalid(string message, string field) => new("INVALID_CALIBRATION", message, field);
}
