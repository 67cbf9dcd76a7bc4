using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.Modules.Nodes.Application.GetCategories;

public sealed record CategoryReference(string Category, string AnalyticsType);

/// <summary><c>GET /reference/categories</c>: public reference data.</summary>
[Anonymous]
public sealed record GetCategoriesQuery : IQuery<IReadOnlyList<CategoryReference>>;

public sealed class GetCategoriesHandler : IQueryHandler<GetCategoriesQuery, IReadOnlyList<CategoryReference>>
{
    public ValueTask<IReadOnlyList<CategoryReference>> Handle(GetCategoriesQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<CategoryReference>>(
            [.. Enum.GetValues<NodeCategory>().Select(c => new CategoryReference(c.ToString(), NodeKinds.AnalyticsTypeOf(c).ToString()))]);
}
