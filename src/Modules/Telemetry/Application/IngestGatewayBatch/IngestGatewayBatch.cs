using EvaraTech.Application.Behaviours;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Ingestion;

namespace EvaraTech.Modules.Telemetry.Application.IngestGatewayBatch;

/// <summary>
/// One reading a gateway forwards: the node (by id, by its write key, or both, which must agree), when, and the
/// channel fields as the node's mappings know them (numbers or strings).
/// </summary>
public sealed record GatewayReading(Guid? NodeId, string? ApiKey, string? Timestamp, IReadOnlyDictionary<string, string?>? Fields);

/// <summary>What became of one node's readings: <c>accepted</c> (see the counts), <c>unauthorized</c> or <c>not_found</c>.</summary>
public sealed record GatewayNodeResult(Guid? NodeId, string Status, int Received, int Stored, int Duplicates, int Rejected);

public sealed record GatewayBatchResult(int Received, int Stored, int Duplicates, int Rejected, IReadOnlyList<GatewayNodeResult> Nodes);

/// <summary>
/// <c>POST /api/v1/telemetry/ingest</c>: a gateway's batch for many nodes. A reading is authorised by its node's write
/// key, or by the caller being a user with <c>telemetry:write</c> whose scope holds the node; each node's readings
/// then go through the one ingestion pipeline. Readings of nodes that are not authorised are refused by node,
/// without storing anything for them and without telling whether the node exists.
/// </summary>
[Anonymous]
[AuditedElsewhere]
public sealed record IngestGatewayBatchCommand(IReadOnlyList<GatewayReading>? Readings) : ICommand<GatewayBatchResult>
{
    public const int MaxReadings = 10_000;
}

public sealed class IngestGatewayBatchValidator : AbstractValidator<IngestGatewayBatchCommand>
{
    public IngestGatewayBatchValidator()
    {
        RuleFor(c => c.Readings).NotEmpty().WithMessage("readings is a non-empty array.").OverridePropertyName("readings");
        RuleFor(c => c.Readings!.Count).LessThanOrEqualTo(IngestGatewayBatchCommand.MaxReadings).When(c => c.Readings is not null)
            .WithMessage($"At most {IngestGatewayBatchCommand.MaxReadings} readings per request.").Unprocessable().OverridePropertyName("readings");
        RuleForEach(c => c.Readings).ChildRules(reading =>
        {
            reading.RuleFor(r => r).Must(r => r.NodeId is not null || !string.IsNullOrEmpty(r.ApiKey))
                .WithMessage("A reading names its nodeId, its apiKey, or both.").OverridePropertyName("nodeId");
            reading.RuleFor(r => r.Timestamp).Must(t => DeviceTimestamps.TryParse(t, out _))
                .WithMessage("timestamp is an ISO 8601 or Unix epoch time.").OverridePropertyName("timestamp");
            reading.RuleFor(r => r.Fields).NotEmpty().WithMessage("fields holds at least one of field1..field8.").OverridePropertyName("fields");
            reading.RuleFor(r => r.Fields!.Keys).Must(keys => keys.All(EntryFields.IsCarried)).When(r => r.Fields is not null)
                .WithMessage("fields are field1..field8, status and firmware.").OverridePropertyName("fields");
        }).OverridePropertyName("readings");
    }
}

public sealed class IngestGatewayBatchHandler(ICurrentUser user, DbSession db, INodeLookup nodes, WriteKeyLookup writeKeys, ISender sender)
    : ICommandHandler<IngestGatewayBatchCommand, GatewayBatchResult>
{
    public async ValueTask<GatewayBatchResult> Handle(IngestGatewayBatchCommand command, CancellationToken cancellationToken)
    {
        var readings = command.Readings!;
        var mayWrite = user is { IsAuthenticated: true, Role: { } role } && Permissions.Has(role, Permissions.TelemetryWrite);
        var inScope = mayWrite
            ? (await nodes.FindManyAsync([.. readings.Where(r => r.NodeId is not null).Select(r => r.NodeId!.Value).Distinct()], user.Scope, cancellationToken))
                .Select(n => n.Id).ToHashSet()
            : [];
        if (!mayWrite && readings.All(r => string.IsNullOrEmpty(r.ApiKey)))
        {
            throw user.IsAuthenticated
                ? new AppException(ErrorKind.Forbidden, ErrorCodes.Forbidden, "Writing telemetry needs telemetry:write or the nodes' write keys.")
                : new AppException(ErrorKind.Unauthorized, ErrorCodes.Unauthorized, "Sign in with telemetry:write, or give each reading its node's apiKey.");
        }

        // From here on the platform's own work: key look-ups and the pipeline run unscoped.
        user.ActAsSystem();
        await db.RefreshUserContextAsync(cancellationToken);
        var keys = new Dictionary<string, Guid?>(StringComparer.Ordinal);
        foreach (var key in readings.Select(r => r.ApiKey).OfType<string>().Where(k => k.Length > 0).Distinct())
        {
            keys[key] = await writeKeys.FindAsync(key, cancellationToken);
        }

        var results = new List<GatewayNodeResult>();
        var refused = new List<Guid?>();
        var accepted = new Dictionary<Guid, List<RawEntry>>();
        foreach (var reading in readings)
        {
            if (Authorised(reading, inScope, keys) is { } nodeId)
            {
                DeviceTimestamps.TryParse(reading.Timestamp, out var at);
                (accepted.TryGetValue(nodeId, out var entries) ? entries : accepted[nodeId] = []).Add(new RawEntry(at, null, reading.Fields!));
            }
            else
            {
                refused.Add(reading.NodeId);
            }
        }

        if (accepted.Count > 0)
        {
            var outcomes = await sender.Send(new RecordTelemetryBatchCommand(IngestionSources.Gateway,
                [.. accepted.OrderBy(a => a.Key).Select(a => new NodeEntries(a.Key, a.Value))]), cancellationToken);
            results.AddRange(outcomes.Select(o => new GatewayNodeResult(o.NodeId, "accepted", o.Received, o.Stored, o.Duplicates, o.Rejected)));
        }

        results.AddRange(refused.GroupBy(id => id).Select(g => new GatewayNodeResult(g.Key, "unauthorized", g.Count(), 0, 0, 0)));
        return new GatewayBatchResult(readings.Count, results.Sum(r => r.Stored), results.Sum(r => r.Duplicates), results.Sum(r => r.Rejected), results);
    }

    /// <returns>the reading's node when its key or the caller's scope authorises it, else null</returns>
    private static Guid? Authorised(GatewayReading reading, HashSet<Guid> inScope, Dictionary<string, Guid?> keys)
    {
        var byKey = reading.ApiKey is { Length: > 0 } key ? keys[key] : null;
        return byKey is { } keyed
            ? reading.NodeId is null || reading.NodeId == keyed ? keyed : null
            : reading.NodeId is { } id && inScope.Contains(id) ? id : null;
    }
}
