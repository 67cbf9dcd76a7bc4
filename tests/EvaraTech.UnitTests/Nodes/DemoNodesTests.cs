using EvaraTech.Modules.Nodes.Demo;
using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.UnitTests.Nodes;

/// <summary>
/// The demo catalogue is plain data the simulator and the test data sets read too: what it says about analytics types
/// and data types must be what the Nodes module derives from category and canonical field.
/// </summary>
public sealed class DemoNodesTests
{
    private static IEnumerable<DemoNodes.SeededNode> Nodes() => DemoNodes.Nodes;

    [TestCaseSource(nameof(Nodes))]
    public void The_catalogues_analytics_type_is_the_one_of_the_nodes_category(DemoNodes.SeededNode node) =>
        Assert.That(node.Demo.AnalyticsType, Is.EqualTo(node.AnalyticsType.ToString()));

    [TestCaseSource(nameof(Nodes))]
    public void The_catalogues_data_types_are_the_canonical_fields_data_types(DemoNodes.SeededNode node) =>
        Assert.That(node.Mappings.Select(m => (m.Canonical.Name, m.DataType)),
            Is.EqualTo(node.Demo.Fields.Select(f => (f.Name, f.DataType))));

    [TestCaseSource(nameof(Nodes))]
    public void The_device_becomes_the_configuration_of_the_nodes_type(DemoNodes.SeededNode node) =>
        Assert.That(node.Config, Is.TypeOf(ConfigurationOf(node.AnalyticsType)));

    private static Type ConfigurationOf(AnalyticsType type) => type switch
    {
        AnalyticsType.EvaraTank => typeof(TankConfig),
        AnalyticsType.EvaraFlow => typeof(FlowConfig),
        _ => typeof(DeepConfig),
    };
}
