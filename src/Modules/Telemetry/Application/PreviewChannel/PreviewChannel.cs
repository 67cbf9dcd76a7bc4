using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Ingestion;
using EvaraTech.Modules.Telemetry.Persistence;

namespace EvaraTech.Modules.Telemetry.Application.PreviewChannel;

/// <summary>A field mapping to try: <c>field3 → tds_ppm</c>, stored value = raw × scale + offset.</summary>
public sealed record PreviewMapping(string? Field, string? CanonicalField, string? DataType = null, double? ScaleFactor = null, double? Offset = null);

/// <summary>
/// What a ThingSpeak channel's last entries would become under a mapping not yet saved: read through the platform,
/// parsed with the node's type, geometry and calibrations exactly as ingestion parses them, stored nowhere. With no read
/// key given, the one stored for the node's channel is used.
/// </summary>
[RequiresPermission(Permissions.NodesWrite)]
public sealed record PreviewChannelQuery(Guid NodeId, long? ChannelId, string? ReadKey, IReadOnlyList<PreviewMapping>? Mappings) : IQuery<ChannelPreview>
{
    public const int Entries = 10;
}

/// <summary>One entry as ThingSpeak sent it, the values it would be stored as (none when refused), and why anything was refused.</summary>
public sealed record PreviewEntry(DateTimeOffset Timestamp, long? EntryId, IReadOnlyDictionary<string, string?> Raw, IReadOnlyDictionary<string, double>? Values,
    IReadOnlyList<string> Rejections);

public sealed record ChannelPreview(long ChannelId, IReadOnlyList<PreviewEntry> Entries);

public sealed class PreviewChannelValidator : AbstractValidator<PreviewChannelQuery>
{
    public static readonly IReadOnlyList<string> DataTypes = ["float", "integer", "string", "boolean"];

    public PreviewChannelValidator()
    {
        RuleFor(q => q.ChannelId).NotNull().GreaterThan(0).WithName("channelId");
        RuleFor(q => q.ReadKey).MaximumLength(64).WithName("readKey");
        RuleFor(q => q.Mappings).NotNull().Must(m => m is { Count: >= 1 and <= 8 }).WithMessage("mappings holds 1 to 8 field mappings.").WithName("mappings");
        RuleForEach(q => q.Mappings).ChildRules(mapping =>
        {
            mapping.RuleFor(m => m.Field).NotEmpty().Matches("^field[1-8]$").WithMessage("field is field1 to field8.").WithName("field");
            mapping.RuleFor(m => m.CanonicalField).NotEmpty().WithName("canonicalField");
            mapping.RuleFor(m => m.DataType).Must(t => t is null || DataTypes.Contains(t))
                .WithMessage($"dataType is one of {string.Join(", ", DataTypes)}.").WithName("dataType");
            mapping.RuleFor(m => m.ScaleFactor).Must(v => v is null || double.IsFinite(v.Value)).WithMessage("scaleFactor is a finite number.").WithName("scaleFactor");
            mapping.RuleFor(m => m.Offset).Must(v => v is null || double.IsFinite(v.Value)).WithMessage("offset is a finite number.").WithName("offset");
        }).OverridePropertyName("mappings");
    }
}

public sealed class PreviewChannelHandler(
    TelemetryNodes nodes, INodeIngestionSources sources, ThingSpeakClient thingSpeak, DbSession db, TimeProvider clock)
    : IQueryHandler<PreviewChannelQuery, ChannelPreview>
{
    public async ValueTask<ChannelPreview> Handle(PreviewChannelQuery query, CancellationToken cancellationToken)
    {
        var node = await nodes.FindAsync(query.NodeId, cancellationToken);
        // Refused exactly as saving the channel would refuse them, each on its mapping's field.
        var mappings = sources.ValidMappings(node.Node.AnalyticsType,
            [.. query.Mappings!.Select(m => new FieldMappingDraft(m.Field, m.CanonicalField, m.DataType, m.ScaleFactor, m.Offset))]);
        var source = (await sources.IngestionSourcesAsync([node.Node.Id], cancellationToken)).Single();
        // The stored key belongs to the stored channel: another channel is read with the key typed, or none.
        var readKey = string.IsNullOrEmpty(query.ReadKey)
            ? source.ChannelId == query.ChannelId ? await sources.ReadKeyOfAsync(node.Node.Id, cancellationToken) : null
            : query.ReadKey;
        await db.EndReadsAsync();
        var feed = await ReadAsync(query.ChannelId!.Value, readKey, cancellationToken);

        var profile = IngestionProfiles.Of(source with { Fields = mappings });
        var now = clock.GetUtcNow();
        return new ChannelPreview(query.ChannelId.Value, [.. feed.Entries.OrderByDescending(e => e.Timestamp).Select(entry =>
        {
            var parsed = EntryParser.Parse(profile, entry, now);
            return new PreviewEntry(entry.Timestamp, entry.EntryId, entry.Fields,
                parsed.Reading is { } reading ? StagedLayout.Of(reading).AsStored(reading).Values : null, [.. parsed.Rejections.Select(r => r.Reason)]);
        })]);
    }

    /// <summary>The channel's last entries; what ThingSpeak refuses is named on the field it concerns, its silence is a 503.</summary>
    private async Task<ThingSpeakFeed> ReadAsync(long channelId, string? readKey, CancellationToken ct)
    {
        try
        {
            return await thingSpeak.ReadFeedAsync(channelId, readKey, null, null, PreviewChannelQuery.Entries, ct);
        }
        catch (ThingSpeakException refused) when (refused.Status is HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
        {
            throw new AppException(ErrorKind.Unprocessable, ErrorCodes.ValidationError, $"ThingSpeak: {refused.Message}",
                refused.Status == HttpStatusCode.NotFound ? "channelId" : "readKey");
        }
        catch (Exception failed) when (failed is ThingSpeakException or HttpRequestException or TaskCanceledException or TimeoutRejectedException
            or BrokenCircuitException && !ct.IsCancellationRequested)
        {
            throw new AppException(ErrorKind.Unavailable, ErrorCodes.UpstreamUnavailable, $"ThingSpeak did not answer usefully: {failed.Message}");
        }
    }
}
