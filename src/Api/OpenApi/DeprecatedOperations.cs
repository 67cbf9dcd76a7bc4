using EvaraTech.Infrastructure.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EvaraTech.Api.OpenApi;

/// <summary>A route declared <see cref="DeprecationEndpoints.Deprecated"/> is marked deprecated in the document, with its dates and successor.</summary>
internal sealed class DeprecatedOperations : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<EndpointDeprecation>().FirstOrDefault() is { } deprecation)
        {
            operation.Deprecated = true;
            operation.Description = string.IsNullOrEmpty(operation.Description) ? deprecation.Description : $"{deprecation.Description}\n\n{operation.Description}";
        }

        return Task.CompletedTask;
    }
}
