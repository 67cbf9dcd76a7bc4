using System.Globalization;
using System.Text;

namespace EvaraTech.Infrastructure.Http;

/// <summary>RFC 4180 fields in the invariant culture, for every CSV the platform streams.</summary>
public static class Csv
{
    public const string ContentType = "text/csv; charset=utf-8";

    /// <summary>A response body's writer: UTF-8 without a byte-order mark, CRLF line ends, the body left open.</summary>
    public static StreamWriter Writer(Stream body) =>
        new(body, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };

    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>A value the platform produced (numbers, times, flags, identifiers).</summary>
    public static string Field(object value) => value switch
    {
        bool b => b ? "true" : "false",
        DateTimeOffset t => Timestamp(t),
        DateTime t => Timestamp(new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc))),
        IFormattable f => Field(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => Field(value.ToString() ?? ""),
    };

    /// <summary>Quoted (quotes doubled) when it holds a comma, a quote or a line break.</summary>
    public static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    /// <summary>
    /// Text someone typed (a label, a user agent, a stored document): always quoted, and never read as a formula by a
    /// spreadsheet (a leading <c>=</c>, <c>+</c>, <c>-</c> or <c>@</c> gets a <c>'</c> before it); nothing is empty.
    /// </summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var safe = value[0] is '=' or '+' or '-' or '@' ? "'" + value : value;
        return "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
