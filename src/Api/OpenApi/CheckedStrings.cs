using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EvaraTech.Api.OpenApi;

/// <summary>
/// Strings are read through a converter of the platform's own (it refuses control characters), and the document
/// generator says "any" for a type with a custom converter: this says "string" again (nullable as declared), also
/// for lists of strings and maps whose values are strings or lists of them.
/// </summary>
internal sealed class CheckedStrings : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var info = context.JsonTypeInfo;
        if (info.Type == typeof(string))
        {
            schema.Type = context.JsonPropertyInfo is { IsGetNullable: true } ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }
        else if (info.Kind == JsonTypeInfoKind.Enumerable && info.ElementType == typeof(string))
        {
            schema.Items = Strings();
        }
        else if (info.Kind == JsonTypeInfoKind.Dictionary && info.ElementType == typeof(string))
        {
            schema.AdditionalProperties = Strings();
        }
        else if (info.Kind == JsonTypeInfoKind.Dictionary && IsListOfStrings(info.ElementType))
        {
            schema.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = Strings() };
        }

        return Task.CompletedTask;
    }

    private static OpenApiSchema Strings() => new() { Type = JsonSchemaType.String };

    private static bool IsListOfStrings(Type? type) =>
        type is not null && type != typeof(string) && type.IsAssignableTo(typeof(IEnumerable<string>));
}
