using System.Text.Json;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Nodes.Application.AddNodeCalibration;
using EvaraTech.Modules.Nodes.Application.BatchNodes;
using EvaraTech.Modules.Nodes.Application.CloseNodeCalibration;
using EvaraTech.Modules.Nodes.Application.ConfigureNodeChannel;
using EvaraTech.Modules.Nodes.Application.CreateNode;
using EvaraTech.Modules.Nodes.Application.DeleteNode;
using EvaraTech.Modules.Nodes.Application.FirmwareSummary;
using EvaraTech.Modules.Nodes.Application.GetCategories;
using EvaraTech.Modules.Nodes.Application.GetDeviceTypes;
using EvaraTech.Modules.Nodes.Application.GetNode;
using EvaraTech.Modules.Nodes.Application.IssueMqttCredentials;
using EvaraTech.Modules.Nodes.Application.IssueWriteKey;
using EvaraTech.Modules.Nodes.Application.ListNodes;
using EvaraTech.Modules.Nodes.Application.ListTags;
using EvaraTech.Modules.Nodes.Application.MoveNode;
using EvaraTech.Modules.Nodes.Application.NearbyNodes;
using EvaraTech.Modules.Nodes.Application.NodeMap;
using EvaraTech.Modules.Nodes.Application.RecordNodeFirmware;
using EvaraTech.Modules.Nodes.Application.SetNodeMaintenance;
using EvaraTech.Modules.Nodes.Application.TagNode;
using EvaraTech.Modules.Nodes.Application.UntagNode;
using EvaraTech.Modules.Nodes.Application.UpdateNode;
using EvaraTech.Modules.Nodes.Domain;
using EvaraTech.Modules.Nodes.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Nodes.Endpoints;

/// <summary>The node API. Each route binds, sends one message and shapes the envelope; node ETags are <c>"node.state"</c>.</summary>
internal static class NodeEndpoints
{
    public sealed record NodeBody(string? Label, NodeCategory? Category, double? Lat, double? Lng, string? LocationName, double? CapacityLitres,
        DeviceConfigInput? Config);

    public sealed record MoveBody(TenantType? TenantType, Guid? DistributorId, Guid? CommunityId, Guid? CustomerId);

    public sealed record MaintenanceBody(bool Enabled);

    /// <param name="Source">polled, pushed or both; left out, the stored one (a new channel: both)</param>
    public sealed record ChannelBody(long? ChannelId, string? ReadKey, string? WriteKey, IReadOnlyList<FieldMappingInput>? Mappings,
        int? ReportingIntervalSeconds, string? Source = null);

    public sealed record CalibrationBody(string? Field, string? Type, JsonElement? Parameters, DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil);

    public sealed record CloseCalibrationBody(DateTimeOffset? ValidUntil);

    public sealed record FirmwareBody(string? FirmwareVersion, string? HardwareRevision, string? BootloaderVersion, DateTimeOffset? LastUpdate,
        string? UpdateStatus);

    public sealed record TagBody(string? Name, string? Value);

    public static void MapNodeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var nodes = endpoints.MapGroup("/nodes").WithTags("Nodes");

        nodes.MapGet("/", async (ISender sender, HttpContext context, CancellationToken ct,
                int page = 1, int limit = PageRequest.DefaultLimit, string? cursor = null,
                [FromQuery(Name = "status")] string[]? status = null, [FromQuery(Name = "category")] string[]? category = null,
                [FromQuery(Name = "analytics_type")] string? analyticsType = null, [FromQuery(Name = "community_id")] Guid? communityId = null,
                string? tag = null, string? search = null, string? sort = null, string? fields = null) =>
        {
            var selected = string.IsNullOrWhiteSpace(fields) ? [] : fields.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var result = await sender.Send(new ListNodesQuery(new PageRequest(page, limit), cursor, status ?? [], category ?? [], analyticsType, communityId,
                tag, search, sort, selected), ct);
            var pagination = new PaginationMeta(limit, cursor is null ? page : null, result.Total,
                result.Total is { } total ? (int)((total + limit - 1) / limit) : null, result.NextCursor);
            return selected.Length == 0
                ? ApiResults.Ok(context, result.Items, pagination)
                : ApiResults.Ok(context, NodeFields.Project(result.Items, selected), pagination);
        })
            .Returns<IReadOnlyList<NodeSummary>>();

        nodes.MapPost("/", async (CreateNodeCommand command, ISender sender, HttpContext context, CancellationToken ct) =>
        {
            var created = await sender.Send(command, ct);
            Versioning.SetETag(context, created.ETag);
            return ApiResults.Created(context, $"/api/v1/nodes/{created.Id}", created);
        })
            .Returns<NodeDetails>(StatusCodes.Status201Created);

        nodes.MapGet("/map", async (ISender sender, HttpContext context, CancellationToken ct) =>
            ApiResults.Ok(context, await sender.Send(new GetNodeMapQuery(), ct)))
            .Returns<IReadOnlyList<MapPin>>();

        nodes.MapGet("/nearby", async (ISender sender, HttpContext context, CancellationToken ct,
                double? lat = null, double? lng = null, [FromQuery(Name = "radius_m")] double? radiusM = null, int limit = PageRequest.DefaultLimit) =>
            ApiResults.Ok(context, await sender.Send(new NearbyNodesQuery(lat, lng, radiusM, limit), ct)))
            .Returns<IReadOnlyList<NearbyNode>>();

        nodes.MapPost("/batch", async (BatchNodesCommand command, ISender sender, HttpContext context, CancellationToken ct) =>
        {
            try
            {
                return ApiResults.Ok(context, await sender.Send(command, ct));
            }
            catch (BatchRejectedException rejected)
            {
                var errors = rejected.Result.Results.Where(r => r.Errors is not null)
                    .SelectMany(r => r.Errors!.Select(e => new ErrorDetail(e.Code, e.Message, $"operations[{r.Index}]{(e.Field is null ? "" : "." + e.Field)}")))
                    .ToList();
                return ApiResults.FailureWithData(context, StatusCodes.Status422UnprocessableEntity, rejected.Result, errors);
            }
        })
            .Returns<BatchResult>()
            .Returns<BatchResult>(StatusCodes.Status422UnprocessableEntity);

        nodes.MapGet("/{id:guid}", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
            Node(context, await sender.Send(new GetNodeQuery(id), ct)))
            .Returns<NodeDetails>();

        nodes.MapPut("/{id:guid}", async (Guid id, NodeBody body, ISender sender, HttpContext context, CancellationToken ct) =>
            Node(context, await sender.Send(new UpdateNodeCommand(id, RequiredNodeVersion(context), body.Label, body.Category, body.Lat, body.Lng,
                body.LocationName, body.CapacityLitres, body.Config), ct)))
            .Returns<NodeDetails>();

        nodes.MapDelete("/{id:guid}", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
        {
            await sender.Send(new DeleteNodeCommand(id, RequiredNodeVersion(context)), ct);
            return Results.NoContent();
        })
            .ReturnsNoContent();

        nodes.MapPost("/{id:guid}/move", async (Guid id, MoveBody body, ISender sender, HttpContext context, CancellationToken ct) =>
            Node(context, await sender.Send(new MoveNodeCommand(id, RequiredNodeVersion(context), body.TenantType, body.DistributorId,
                body.CommunityId, body.CustomerId), ct)))
            .Returns<NodeDetails>();

        nodes.MapPut("/{id:guid}/maintenance", async (Guid id, MaintenanceBody body, ISender sender, HttpContext context, CancellationToken ct) =>
            Node(context, await sender.Send(new SetNodeMaintenanceCommand(id, body.Enabled), ct)))
            .Returns<NodeDetails>();

        nodes.MapPut("/{id:guid}/channel", async (Guid id, ChannelBody body, ISender sender, HttpContext context, CancellationToken ct) =>
            Node(context, await sender.Send(new ConfigureNodeChannelCommand(id, RequiredNodeVersion(context), body.ChannelId, body.ReadKey,
                body.WriteKey, body.Mappings, body.ReportingIntervalSeconds, body.Source), ct)))
            .Returns<NodeDetails>();

        nodes.MapPost("/{id:guid}/channel/write-key", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
                ApiResults.Ok(context, await sender.Send(new IssueWriteKeyCommand(id), ct)))
            .WithSummary("Issue the channel a new write key")
            .WithDescription("Answers the new key in full, the only time it is shown (only its keyed hash is stored); the previous key stops working.")
            .Returns<IssuedWriteKey>();

        nodes.MapPost("/{id:guid}/mqtt-credentials", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
                ApiResults.Ok(context, await sender.Send(new IssueMqttCredentialsCommand(id), ct)))
            .WithSummary("Issue the node MQTT device credentials")
            .WithDescription("Answers a new client id, user name and password, the password the only time it is shown (only its keyed hash is "
                + "stored); credentials issued before are refused from then on. They publish to the node's channel only.")
            .Returns<IssuedMqttCredentials>();

        nodes.MapPost("/{id:guid}/calibrations", async (Guid id, CalibrationBody body, ISender sender, HttpContext context, CancellationToken ct) =>
            Node(context, await sender.Send(new AddNodeCalibrationCommand(id, body.Field, body.Type, body.Parameters, body.ValidFrom, body.ValidUntil), ct)))
            .Returns<NodeDetails>();

        nodes.MapPost("/{id:guid}/calibrations/{calibrationId:guid}/close", async (Guid id, Guid calibrationId, CloseCalibrationBody body,
                ISender sender, HttpContext context, CancellationToken ct) =>
            Node(context, await sender.Send(new CloseNodeCalibrationCommand(id, calibrationId, body.ValidUntil), ct)))
            .Returns<NodeDetails>();

        nodes.MapPut("/{id:guid}/firmware", async (Guid id, FirmwareBody body, ISender sender, HttpContext context, CancellationToken ct) =>
            Node(context, await sender.Send(new RecordNodeFirmwareCommand(id, body.FirmwareVersion, body.HardwareRevision, body.BootloaderVersion,
                body.LastUpdate, body.UpdateStatus), ct)))
            .Returns<NodeDetails>();

        nodes.MapPost("/{id:guid}/tags", async (Guid id, TagBody body, ISender sender, HttpContext context, CancellationToken ct) =>
            Node(context, await sender.Send(new TagNodeCommand(id, body.Name, body.Value), ct)))
            .Returns<NodeDetails>();

        nodes.MapDelete("/{id:guid}/tags", async (Guid id, ISender sender, HttpContext context, CancellationToken ct, string? name = null, string? value = null) =>
            Node(context, await sender.Send(new UntagNodeCommand(id, name, value), ct)))
            .Returns<NodeDetails>();

        var reference = endpoints.MapGroup("/reference").WithTags("Reference").AllowAnonymous();
        reference.MapGet("/device-types", async (ISender sender, HttpContext context, CancellationToken ct) =>
            ApiResults.PublicReference(context, await sender.Send(new GetDeviceTypesQuery(), ct)))
            .Returns<IReadOnlyList<DeviceTypeReference>>();
        reference.MapGet("/categories", async (ISender sender, HttpContext context, CancellationToken ct) =>
            ApiResults.PublicReference(context, await sender.Send(new GetCategoriesQuery(), ct)))
            .Returns<IReadOnlyList<CategoryReference>>();

        endpoints.MapGet("/tags", async (ISender sender, HttpContext context, CancellationToken ct) =>
            ApiResults.Ok(context, await sender.Send(new ListTagsQuery(), ct))).WithTags("Nodes")
            .WithSummary("The tags on the caller's nodes")
            .WithDescription("Each tag (name and value) that at least one node in the caller's scope carries, with its id and how many nodes carry it.")
            .Returns<IReadOnlyList<TagInUse>>();

        endpoints.MapGet("/firmware/summary", async (ISender sender, HttpContext context, CancellationToken ct) =>
            ApiResults.Ok(context, await sender.Send(new GetFirmwareSummaryQuery(), ct))).WithTags("Nodes")
            .Returns<IReadOnlyList<FirmwareCount>>();
    }

    private static IResult Node(HttpContext context, NodeDetails node) => ApiResults.Versioned(context, node, node.ETag);

    /// <summary>The node version an If-Match names: the node's ETag (<c>"7.3"</c>) or its node part alone.</summary>
    private static long RequiredNodeVersion(HttpContext context) => Versioning.RequiredVersion(context, NodeETag.NodeVersion);
}
