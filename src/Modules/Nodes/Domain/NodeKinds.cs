namespace EvaraTech.Modules.Nodes.Domain;

/// <summary>What a node is physically.</summary>
public enum NodeCategory
{
    OHT,
    Sump,
    Borewell,
    FlowMeter,
}

/// <summary>Which telemetry a node produces and which analytics read it.</summary>
public enum AnalyticsType
{
    EvaraTank,
    EvaraFlow,
    EvaraDeep,
}

public static class NodeKinds
{
    /// <summary>The analytics type a category's devices report as: tanks and sumps are EvaraTank, and so on.</summary>
    public static AnalyticsType AnalyticsTypeOf(NodeCategory category) => category switch
    {
        NodeCategory.OHT or NodeCategory.Sump => AnalyticsType.EvaraTank,
        NodeCategory.FlowMeter => AnalyticsType.EvaraFlow,
        _ => AnalyticsType.EvaraDeep,
    };

    /// <summary>The database's spelling of a tenant type (<c>distributor</c>, <c>community</c>, <c>customer</c>).</summary>
    public static string Stored(this TenantType type) => type.ToString().ToLowerInvariant();
}
