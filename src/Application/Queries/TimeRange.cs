using System.Globalization;
using System.Text.RegularExpressions;
using EvaraTech.Application.Behaviours;
using FluentValidation;

namespace EvaraTech.Application.Queries;

/// <summary>A half-open time range [From, To).</summary>
public readonly record struct TimeRange(DateTimeOffset From, DateTimeOffset To)
{
    public TimeSpan Span => To - From;
}

/// <summary>
/// The <c>from</c> and <c>to</c> query parameters of the telemetry routes: ISO 8601 timestamps (a date, or a date and
/// time with optional seconds and fraction; UTC unless an offset is given). <c>to</c> defaults to now and <c>from</c> to
/// <c>to</c> − <see cref="DefaultSpan"/>. Malformed → 400, from not before to or too wide → 422. Shared by the
/// telemetry, alert and uptime queries.
/// </summary>
public static partial class TimeRangeParameters
{
    /// <summary>The range a query covers when it names no <c>from</c>: the last day.</summary>
    public static readonly TimeSpan DefaultSpan = TimeSpan.FromHours(24);

    public static DateTimeOffset? Parse(string? value)
    {
        if (value is null || !Iso8601().IsMatch(value))
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;
    }

    /// <returns>the range the parameters ask for, or null when either is malformed</returns>
    public static TimeRange? Resolve(string? from, string? to, DateTimeOffset now)
    {
        DateTimeOffset? parsedFrom = from is null ? null : Parse(from);
        DateTimeOffset? parsedTo = to is null ? null : Parse(to);
        if ((from is not null && parsedFrom is null) || (to is not null && parsedTo is null))
        {
            return null;
        }

        var end = parsedTo ?? now;
        return new TimeRange(parsedFrom ?? end - DefaultSpan, end);
    }

    /// <summary>
    /// The range rules of a query: both parameters well formed (400), <c>from</c> before <c>to</c> (422, field
    /// <c>from</c>) and the span within the cap <paramref name="cap"/> gives (422, field <c>to</c>), whose
    /// <c>What</c> names what is capped ("a raw series").
    /// </summary>
    public static void ValidTimeRange<T>(
        this AbstractValidator<T> validator, Func<T, string?> from, Func<T, string?> to, TimeProvider clock,
        Func<T, TimeRange, (TimeSpan Max, string What)> cap)
    {
        const string Format = "must be an ISO 8601 timestamp such as 2025-06-01T00:00:00Z (encode + as %2B).";
        validator.RuleFor(q => from(q)).Must(v => v is null || Parse(v) is not null).WithMessage("from " + Format).OverridePropertyName("from");
        validator.RuleFor(q => to(q)).Must(v => v is null || Parse(v) is not null).WithMessage("to " + Format).OverridePropertyName("to");

        TimeRange? Range(T q) => Resolve(from(q), to(q), clock.GetUtcNow());
        validator.RuleFor(q => q)
            .Must(q => Range(q) is not { } range || range.From < range.To)
            .WithMessage("from must be before to.").Unprocessable().OverridePropertyName("from");
        validator.RuleFor(q => q)
            .Must(q => Range(q) is not { } range || range.From >= range.To || range.Span <= cap(q, range).Max)
            .WithMessage(q => Range(q) is { } range && cap(q, range) is var (max, what)
                ? $"{what} covers at most {Describe(max)}, and from..to spans {Describe(range.Span)}: narrow the range."
                : "The range is too wide.")
            .Unprocessable().OverridePropertyName("to");
    }

    private static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{span.TotalDays.ToString("0.##", CultureInfo.InvariantCulture)} days"
        : $"{span.TotalHours.ToString("0.##", CultureInfo.InvariantCulture)} hours";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Iso8601();
}
