using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using EvaraTech.Application.Errors;
using Microsoft.AspNetCore.Http;

namespace EvaraTech.Infrastructure.Http;

/// <summary>
/// Text carrying a control character (U+0000–U+001F other than tab, line feed and carriage return, and U+007F) is
/// refused where it enters: PostgreSQL cannot store a NUL byte at all, and no field of this API means any of them.
/// </summary>
public static class ControlCharacters
{
    private static readonly SearchValues<char> Refused = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(c => c is not ('\t' or '\n' or '\r')).Select(c => (char)c), '\u007f']);

    public static bool Contain(string? text) => text is not null && text.AsSpan().ContainsAny(Refused);

    public static string Message(string field) => $"{field} contains a control character.";

    /// <summary>An endpoint filter: refuses a query string or route value that carries one, naming the parameter.</summary>
    public static ValueTask<object?> RefuseInQueryAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        foreach (var (name, values) in context.Request.Query)
        {
            if (Contain(name) || values.Any(Contain))
            {
                var field = Contain(name) ? "query" : name;
                throw new AppException(ErrorKind.BadRequest, ErrorCodes.ValidationError, Message(field), field);
            }
        }

        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (value is string text && Contain(text))
            {
                throw new AppException(ErrorKind.BadRequest, ErrorCodes.ValidationError, Message(name), name);
            }
        }

        return next(invocation);
    }
}

/// <summary>A JSON string value (or property name) with a control character; the path names the field.</summary>
public sealed class ControlCharacterException() : JsonException("The value contains a control character.");

/// <summary>Reads every JSON string of a request body, refusing those with a control character.</summary>
public sealed class RefuseControlCharactersConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Checked(reader.GetString());

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Checked(reader.GetString())!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    private static string? Checked(string? value) => ControlCharacters.Contain(value) ? throw new ControlCharacterException() : value;
}
