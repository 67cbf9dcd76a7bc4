using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EvaraTech.Api.OpenApi;

/// <summary>
/// Maps whose values are any JSON (metric values by name: numbers, a pump status, null) get <c>additionalProperties:
/// {}</c>. Without it the document says an object with no properties, which a generated client reads as "always
/// empty".
/// </summary>
internal sealed class OpenDictionaryValues : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo is { Kind: JsonTypeInfoKind.Dictionary, ElementType: var value } && (value == typeof(JsonElement) || value == typeof(object)))
        {
            schema.AdditionalProperties = new OpenApiSchema();
        }

        return Task.CompletedTask;
    }
}
