using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Nodes.Application.CreateNode;
using EvaraTech.Modules.Nodes.Application.DeleteNode;
using EvaraTech.Modules.Nodes.Application.UpdateNode;
using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.Modules.Nodes.Application.BatchNodes;

/// <summary>The node fields of a batch create or update (an update ignores the key, type and owner fields).</summary>
public sealed record BatchNodeInput(
    string? NodeKey, string? Label, NodeCategory? Category, AnalyticsType? AnalyticsType, TenantType? TenantType,
    Guid? DistributorId, Guid? CommunityId, Guid? CustomerId, double? Lat, double? Lng, string? LocationName,
    double? CapacityLitres, DeviceConfigInput? Config);

/// <summary>One operation: <c>create</c> (node), <c>update</c> (id, version, node) or <c>delete</c> (id, version).</summary>
public sealed record BatchOperation(string? Op, Guid? Id, long? Version, BatchNodeInput? Node);

/// <summary>
/// Up to 500 creates, updates and deletes in one round trip, each with its own result. Each item runs in a savepoint of
/// one transaction: a failed item leaves no trace and the others stand. With <see cref="Atomic"/>, one failure rolls
/// everything back. The batch itself leaves no audit row: each applied item leaves its single-item command's.
/// </summary>
[RequiresPermission(Permissions.NodesWrite)]
[AuditedElsewhere]
public sealed record BatchNodesCommand(bool Atomic, IReadOnlyList<BatchOperation>? Operations) : ICommand<BatchResult>;

public sealed record BatchItemResult(int Index, string Op, Guid? Id, int Status, string? ETag, IReadOnlyList<ErrorDetail>? Errors);

public sealed record BatchResult(bool Atomic, int Succeeded, int Failed, IReadOnlyList<BatchItemResult> Results);

/// <summary>An atomic batch with a failed item: nothing was stored; the results say which items failed and why.</summary>
public sealed class BatchRejectedException(BatchResult result) : Exception("The batch was rolled back because an item failed.")
{
    public BatchResult Result { get; } = result;
}

public sealed class BatchNodesValidator : AbstractValidator<BatchNodesCommand>
{
    public const int MaximumOperations = 500;
    private static readonly string[] Ops = ["create", "update", "delete"];

    public BatchNodesValidator()
    {
        RuleFor(c => c.Operations).NotNull().Must(o => o is { Count: >= 1 and <= MaximumOperations })
            .WithMessage($"operations holds 1 to {MaximumOperations} items.");
        RuleForEach(c => c.Operations).NotNull().WithMessage("operations[{CollectionIndex}] is an operation object, not null.");
    }

    public static IEnumerable<FieldError> Shape(BatchOperation operation)
    {
        if (operation.Op is null || !Ops.Contains(operation.Op))
        {
            yield return new("op", ErrorCodes.ValidationError, "op is create, update or delete.");
            yield break;
        }

        if (operation.Op != "create" && operation.Id is null)
        {
            yield return new("id", ErrorCodes.ValidationError, $"{operation.Op} needs the node's id.");
        }

        if (operation.Op != "create" && operation.Version is null)
        {
            yield return new("version", ErrorCodes.ValidationError, $"{operation.Op} needs the version the client read (its ETag).");
        }

        if (operation.Op != "delete" && operation.Node is null)
        {
            yield return new("node", ErrorCodes.ValidationError, $"{operation.Op} needs the node's fields.");
        }
    }
}

/// <remarks>
/// Each item is sent through the mediator like its single-item request, so it is authorized, validated and audited by
/// the same pipeline; the item's savepoint undoes a failed item's writes while the batch's transaction goes on.
/// </remarks>
public sealed class BatchNodesHandler(DbSession db, ISender sender) : ICommandHandler<BatchNodesCommand, BatchResult>
{
    public async ValueTask<BatchResult> Handle(BatchNodesCommand command, CancellationToken cancellationToken)
    {
        await db.ConnectionAsync(cancellationToken);
        var results = new List<BatchItemResult>(command.Operations!.Count);
        for (var index = 0; index < command.Operations.Count; index++)
        {
            var operation = command.Operations[index];
            var savepoint = $"batch_item_{index}";
            await db.Transaction!.SaveAsync(savepoint, cancellationToken);
            try
            {
                results.Add(await ApplyAsync(index, operation, cancellationToken));
                await db.Transaction.ReleaseAsync(savepoint, cancellationToken);
            }
            catch (Exception ex) when (ExpectedFailures.Describe(ex) is { } failure)
            {
                await db.Transaction.RollbackAsync(savepoint, cancellationToken);
                results.Add(new BatchItemResult(index, operation.Op ?? "", operation.Id, failure.Status, null, failure.Errors));
            }
        }

        var failed = results.Count(r => r.Errors is not null);
        var result = new BatchResult(command.Atomic, results.Count - failed, failed, results);
        return command.Atomic && failed > 0 ? throw new BatchRejectedException(result) : result;
    }

    private async Task<BatchItemResult> ApplyAsync(int index, BatchOperation operation, CancellationToken ct)
    {
        var shape = BatchNodesValidator.Shape(operation).ToList();
        if (shape.Count > 0)
        {
            throw new RequestValidationException([.. shape]);
        }

        var node = operation.Node;
        switch (operation.Op)
        {
            case "create":
            {
                var created = await sender.Send(new CreateNodeCommand(node!.NodeKey, node.Label, node.Category, node.AnalyticsType, node.TenantType,
                    node.DistributorId, node.CommunityId, node.CustomerId, node.Lat, node.Lng, node.LocationName, node.CapacityLitres, node.Config), ct);
                return new BatchItemResult(index, "create", created.Id, 201, created.ETag, null);
            }

            case "update":
            {
                var updated = await sender.Send(new UpdateNodeCommand(operation.Id!.Value, operation.Version!.Value, node!.Label, node.Category,
                    node.Lat, node.Lng, node.LocationName, node.CapacityLitres, node.Config), ct);
                return new BatchItemResult(index, "update", updated.Id, 200, updated.ETag, null);
            }

            default:
                await sender.Send(new DeleteNodeCommand(operation.Id!.Value, operation.Version!.Value), ct);
                return new BatchItemResult(index, "delete", operation.Id, 204, null, null);
        }
    }
}
