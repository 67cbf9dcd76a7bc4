using EvaraTech.Domain;
using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.UnitTests.Nodes;

public sealed class NodeTests
{
    private static readonly TenantOwner Owner = new(TenantType.Customer, Guid.NewGuid());

    private static readonly DeviceConfigInput TankInput = new(MaxDepthCm: 300);
    private static readonly DeviceConfigInput FlowInput = new(PipeDiameterMm: 50, PulsesPerLitre: 450);
    private static readonly DeviceConfigInput DeepInput = new(WellDepthM: 120, PumpRatingKw: 5);

    private static DeviceConfigInput ConfigFor(NodeCategory category) => category switch
    {
        NodeCategory.OHT or NodeCategory.Sump => TankInput,
        NodeCategory.FlowMeter => FlowInput,
        _ => DeepInput,
    };

    private static Node Create(
        string? nodeKey = "TANK-01",
        string? label = "Block A overhead tank",
        NodeCategory category = NodeCategory.OHT,
        AnalyticsType? analyticsType = null,
        GeoPoint? location = null,
        string? locationName = null,
        double? capacityLitres = null,
        DeviceConfigInput? config = null) =>
        Node.Create(nodeKey, label, category, analyticsType, Owner, location, locationName, capacityLitres, config ?? ConfigFor(category));

    private static void Change(Node node, string? label = "Changed", NodeCategory? category = null, GeoPoint? location = null,
        string? locationName = null, double? capacityLitres = null, DeviceConfigInput? config = null) =>
        node.Change(label, category ?? node.Category, location, locationName, capacityLitres, config ?? ConfigFor(category ?? node.Category));

    // ---- Create: analytics type --------------------------------------------------------------------------------------

    [TestCase(NodeCategory.OHT, AnalyticsType.EvaraTank)]
    [TestCase(NodeCategory.Sump, AnalyticsType.EvaraTank)]
    [TestCase(NodeCategory.FlowMeter, AnalyticsType.EvaraFlow)]
    [TestCase(NodeCategory.Borewell, AnalyticsType.EvaraDeep)]
    public void Create_derives_the_analytics_type_from_the_category(NodeCategory category, AnalyticsType expected)
    {
        var node = Create(category: category);

        Assert.Multiple(() =>
        {
            Assert.That(node.AnalyticsType, Is.EqualTo(expected));
            Assert.That(node.Category, Is.EqualTo(category));
        });
    }

    [TestCase(NodeCategory.OHT, AnalyticsType.EvaraTank)]
    [TestCase(NodeCategory.Sump, AnalyticsType.EvaraTank)]
    [TestCase(NodeCategory.FlowMeter, AnalyticsType.EvaraFlow)]
    [TestCase(NodeCategory.Borewell, AnalyticsType.EvaraDeep)]
    public void Create_accepts_the_categorys_own_analytics_type_when_given(NodeCategory category, AnalyticsType given) =>
        Assert.That(Create(category: category, analyticsType: given).AnalyticsType, Is.EqualTo(given));

    [TestCase(NodeCategory.OHT, AnalyticsType.EvaraFlow)]
    [TestCase(NodeCategory.Sump, AnalyticsType.EvaraDeep)]
    [TestCase(NodeCategory.FlowMeter, AnalyticsType.EvaraTank)]
    [TestCase(NodeCategory.FlowMeter, AnalyticsType.EvaraDeep)]
    [TestCase(NodeCategory.Borewell, AnalyticsType.EvaraTank)]
    [TestCase(NodeCategory.Borewell, AnalyticsType.EvaraFlow)]
    public void Create_refuses_an_analytics_type_other_than_the_categorys(NodeCategory category, AnalyticsType given) =>
        Violation.Expect(() => Create(category: category, analyticsType: given), "INVALID_CATEGORY", "analyticsType");

    // ---- Create: identity, owner and the rest -----------------------------------------------------------------------

    [Test]
    public void Create_gives_a_new_node_a_uuid_v7_and_version_1()
    {
        var first = Create();
        var second = Create();

        Assert.Multiple(() =>
        {
            Assert.That(first.Id.Version, Is.EqualTo(7));
            Assert.That(second.Id.Version, Is.EqualTo(7));
            Assert.That(second.Id, Is.Not.EqualTo(first.Id));
            Assert.That(first.Version, Is.EqualTo(1));
        });
    }

    [Test]
    public void Create_keeps_the_owner_location_capacity_and_config()
    {
        var location = new GeoPoint(12.97, 77.59);

        var node = Create(location: location, locationName: "Block A roof", capacityLitres: 5000, config: new DeviceConfigInput(MaxDepthCm: 250));

        Assert.Multiple(() =>
        {
            Assert.That(node.Owner, Is.EqualTo(Owner));
            Assert.That(node.Location, Is.EqualTo(location));
            Assert.That(node.LocationName, Is.EqualTo("Block A roof"));
            Assert.That(node.CapacityLitres, Is.EqualTo(5000));
            Assert.That(node.Config, Is.EqualTo(new TankConfig(250, 0, 20, 90)));
        });
    }

    [Test]
    public void Create_validates_the_config_against_the_derived_analytics_type() =>
        Violation.Expect(() => Create(category: NodeCategory.Borewell, config: TankInput), "INVALID_CONFIG", "config.maxDepthCm");

    // ---- Create: nodeKey ------------------------------------------------------------------------------------------

    [TestCase("a")]
    [TestCase("7")]
    [TestCase("TANK-01")]
    [TestCase("site.3:oht_2")]
    [TestCase("a-")]
    [TestCase("9.9.9")]
    public void Create_accepts_a_node_key_of_the_pattern(string nodeKey) =>
        Assert.That(Create(nodeKey: nodeKey).NodeKey, Is.EqualTo(nodeKey));

    [Test]
    public void Create_accepts_a_node_key_of_64_characters() =>
        Assert.That(Create(nodeKey: new string('k', 64)).NodeKey, Has.Length.EqualTo(64));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("-tank")]
    [TestCase("_tank")]
    [TestCase(".tank")]
    [TestCase(":tank")]
    [TestCase(" tank")]
    [TestCase("tank 01")]
    [TestCase("tank/01")]
    [TestCase("tank#1")]
    [TestCase("tänk")]
    public void Create_refuses_a_node_key_outside_the_pattern(string? nodeKey) =>
        Violation.Expect(() => Create(nodeKey: nodeKey), "INVALID_NODE_KEY", "nodeKey");

    [Test]
    public void Create_refuses_a_node_key_of_65_characters() =>
        Violation.Expect(() => Create(nodeKey: new string('k', 65)), "INVALID_NODE_KEY", "nodeKey");

    // ---- Create: label --------------------------------------------------------------------------------------------

    [Test]
    public void Create_trims_the_label() =>
        Assert.That(Create(label: "  Block A tank \t").Label, Is.EqualTo("Block A tank"));

    [Test]
    public void Create_accepts_a_label_of_200_characters_after_trimming()
    {
        var label = new string('L', 200);

        Assert.That(Create(label: $"  {label}  ").Label, Is.EqualTo(label));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void Create_refuses_an_empty_label(string? label) =>
        Violation.Expect(() => Create(label: label), "INVALID_LABEL", "label");

    [Test]
    public void Create_refuses_a_label_of_201_characters() =>
        Violation.Expect(() => Create(label: new string('L', 201)), "INVALID_LABEL", "label");

    // ---- Create: locationName -------------------------------------------------------------------------------------

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void Create_stores_a_blank_location_name_as_null(string? locationName) =>
        Assert.That(Create(locationName: locationName).LocationName, Is.Null);

    [Test]
    public void Create_trims_the_location_name() =>
        Assert.That(Create(locationName: " Block A roof ").LocationName, Is.EqualTo("Block A roof"));

    [Test]
    public void Create_accepts_a_location_name_of_200_characters() =>
        Assert.That(Create(locationName: new string('N', 200)).LocationName, Has.Length.EqualTo(200));

    [Test]
    public void Create_refuses_a_location_name_of_201_characters() =>
        Violation.Expect(() => Create(locationName: new string('N', 201)), "INVALID_LOCATION", "locationName");

    // ---- Create: capacityLitres -----------------------------------------------------------------------------------

    [TestCase(null)]
    [TestCase(0.001)]
    [TestCase(5000.0)]
    [TestCase(double.MaxValue)]
    public void Create_accepts_a_missing_or_positive_finite_capacity(double? capacity) =>
        Assert.That(Create(capacityLitres: capacity).CapacityLitres, Is.EqualTo(capacity));

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    [TestCase(double.NaN)]
    public void Create_refuses_a_capacity_that_is_not_positive_and_finite(double capacity) =>
        Violation.Expect(() => Create(capacityLitres: capacity), "INVALID_CAPACITY", "capacityLitres");

    // ---- Load ------------------------------------------------------------------------------------------------------

    [Test]
    public void Load_restores_a_stored_node_as_it_was()
    {
        var id = Guid.NewGuid();
        var config = new DeepConfig(120, 5, 80);

        var node = Node.Load(id, 42, "BW-9", "Borewell 9", NodeCategory.Borewell, AnalyticsType.EvaraDeep, Owner,
            new GeoPoint(1, 2), "Field", 10, config);

        Assert.Multiple(() =>
        {
            Assert.That(node.Id, Is.EqualTo(id));
            Assert.That(node.Version, Is.EqualTo(42));
            Assert.That(node.NodeKey, Is.EqualTo("BW-9"));
            Assert.That(node.Label, Is.EqualTo("Borewell 9"));
            Assert.That(node.Category, Is.EqualTo(NodeCategory.Borewell));
            Assert.That(node.AnalyticsType, Is.EqualTo(AnalyticsType.EvaraDeep));
            Assert.That(node.Owner, Is.EqualTo(Owner));
            Assert.That(node.Location, Is.EqualTo(new GeoPoint(1, 2)));
            Assert.That(node.LocationName, Is.EqualTo("Field"));
            Assert.That(node.CapacityLitres, Is.EqualTo(10));
            Assert.That(node.Config, Is.EqualTo(config));
        });
    }

    // ---- Change ----------------------------------------------------------------------------------------------------

    [TestCase(NodeCategory.OHT, NodeCategory.Sump)]
    [TestCase(NodeCategory.Sump, NodeCategory.OHT)]
    public void Change_allows_a_category_of_the_same_analytics_type(NodeCategory from, NodeCategory to)
    {
        var node = Create(category: from);

        Change(node, category: to);

        Assert.Multiple(() =>
        {
            Assert.That(node.Category, Is.EqualTo(to));
            Assert.That(node.AnalyticsType, Is.EqualTo(AnalyticsType.EvaraTank));
        });
    }

    [TestCase(NodeCategory.OHT, NodeCategory.FlowMeter)]
    [TestCase(NodeCategory.Sump, NodeCategory.Borewell)]
    [TestCase(NodeCategory.FlowMeter, NodeCategory.OHT)]
    [TestCase(NodeCategory.Borewell, NodeCategory.Sump)]
    [TestCase(NodeCategory.Borewell, NodeCategory.FlowMeter)]
    public void Change_refuses_a_category_of_another_analytics_type(NodeCategory from, NodeCategory to)
    {
        var node = Create(category: from);

        Violation.Expect(() => node.Change("Changed", to, null, null, null, ConfigFor(to)), "INVALID_CATEGORY", "category");
        Assert.That(node.Category, Is.EqualTo(from));
    }

    [Test]
    public void Change_replaces_label_location_capacity_and_config()
    {
        var node = Create(location: new GeoPoint(1, 1), locationName: "Old", capacityLitres: 1000);

        Change(node, label: " New label ", location: new GeoPoint(2, 3), locationName: "  ", capacityLitres: null,
            config: new DeviceConfigInput(MaxDepthCm: 400, SensorOffsetCm: 10, LowLevelPercent: 15, HighLevelPercent: 95));

        Assert.Multiple(() =>
        {
            Assert.That(node.Label, Is.EqualTo("New label"));
            Assert.That(node.Location, Is.EqualTo(new GeoPoint(2, 3)));
            Assert.That(node.LocationName, Is.Null);
            Assert.That(node.CapacityLitres, Is.Null);
            Assert.That(node.Config, Is.EqualTo(new TankConfig(400, 10, 15, 95)));
            Assert.That(node.Version, Is.EqualTo(1), "the version changes only when persisted");
        });
    }

    [Test]
    public void Change_revalidates_the_config_against_the_nodes_analytics_type()
    {
        var node = Create(category: NodeCategory.OHT);

        Violation.Expect(() => Change(node, config: new DeviceConfigInput(MaxDepthCm: 300, PipeDiameterMm: 50)), "INVALID_CONFIG",
            "config.pipeDiameterMm");
    }

    [Test]
    public void Change_does_not_keep_the_old_config_when_none_is_given()
    {
        var node = Create(category: NodeCategory.OHT);

        Violation.Expect(() => node.Change("Changed", NodeCategory.OHT, null, null, null, null), "INVALID_CONFIG", "config.maxDepthCm");
    }

    [Test]
    public void Change_revalidates_the_tank_levels()
    {
        var node = Create(category: NodeCategory.Sump);

        Violation.Expect(() => Change(node, config: new DeviceConfigInput(MaxDepthCm: 300, LowLevelPercent: 50, HighLevelPercent: 50)),
            "INVALID_CONFIG", "config.highLevelPercent");
    }

    [Test]
    public void Change_revalidates_the_label() =>
        Violation.Expect(() => Change(Create(), label: " "), "INVALID_LABEL", "label");

    [Test]
    public void Change_revalidates_the_location_name() =>
        Violation.Expect(() => Change(Create(), locationName: new string('N', 201)), "INVALID_LOCATION", "locationName");

    [Test]
    public void Change_revalidates_the_capacity() =>
        Violation.Expect(() => Change(Create(), capacityLitres: -5), "INVALID_CAPACITY", "capacityLitres");

    [Test]
    public void Change_applies_to_a_loaded_node_of_its_stored_analytics_type()
    {
        var node = Node.Load(Guid.NewGuid(), 3, "FM-1", "Meter", NodeCategory.FlowMeter, AnalyticsType.EvaraFlow, Owner, null, null, null,
            new FlowConfig(50, 450, null));

        Change(node, config: new DeviceConfigInput(PipeDiameterMm: 80, PulsesPerLitre: 300, MaxFlowRateLpm: 250));

        Assert.Multiple(() =>
        {
            Assert.That(node.Config, Is.EqualTo(new FlowConfig(80, 300, 250)));
            Assert.That(node.Version, Is.EqualTo(3));
        });
        Violation.Expect(() => Change(node, category: NodeCategory.Sump), "INVALID_CATEGORY", "category");
    }

    // ---- MoveTo -----------------------------------------------------------------------------------------------------

    [Test]
    public void MoveTo_returns_false_and_keeps_the_owner_when_it_is_the_same_owner()
    {
        var node = Create();
        var sameOwner = new TenantOwner(Owner.Type, Owner.TenantId);

        Assert.Multiple(() =>
        {
            Assert.That(node.MoveTo(sameOwner), Is.False);
            Assert.That(node.Owner, Is.EqualTo(Owner));
        });
    }

    [Test]
    public void MoveTo_returns_true_and_changes_the_owner_when_it_is_another_tenant()
    {
        var node = Create();
        var other = new TenantOwner(TenantType.Community, Guid.NewGuid());

        Assert.Multiple(() =>
        {
            Assert.That(node.MoveTo(other), Is.True);
            Assert.That(node.Owner, Is.EqualTo(other));
        });
    }

    [Test]
    public void MoveTo_treats_the_same_id_at_another_level_as_another_owner()
    {
        var node = Create();
        var other = new TenantOwner(TenantType.Distributor, Owner.TenantId);

        Assert.Multiple(() =>
        {
            Assert.That(node.MoveTo(other), Is.True);
            Assert.That(node.Owner, Is.EqualTo(other));
        });
    }

    // ---- ConfigureChannel -----------------------------------------------------------------------------------------

    [Test]
    public void ConfigureChannel_validates_mappings_against_the_nodes_analytics_type()
    {
        var tank = Create(category: NodeCategory.OHT);
        var flow = Create(nodeKey: "FM-1", category: NodeCategory.FlowMeter);
        FieldMappingInput[] mappings = [new("field1", "flow_rate_lpm")];

        Assert.That(flow.ConfigureChannel(1, null, mappings).Mappings.Single().Target.Name, Is.EqualTo("flow_rate_lpm"));
        Violation.Expect(() => tank.ConfigureChannel(1, null, mappings), "INVALID_MAPPING", "mappings[0].canonicalField");
    }

    // ---- Review fixes ----------------------------------------------------------------------------------------------

    [Test]
    public void Create_refuses_a_node_key_with_a_trailing_newline() =>
        Violation.Expect(() => Create(nodeKey: "tank01\n"), "INVALID_NODE_KEY", "nodeKey");

    [Test]
    public void A_refused_change_leaves_the_node_as_it_was()
    {
        var node = Create(label: "Original", capacityLitres: 1000);

        Violation.Expect(() => Change(node, label: "NEW", category: NodeCategory.Sump, capacityLitres: 7,
            config: new DeviceConfigInput(MaxDepthCm: -1)), "INVALID_CONFIG", "config.maxDepthCm");

        Assert.Multiple(() =>
        {
            Assert.That(node.Label, Is.EqualTo("Original"));
            Assert.That(node.Category, Is.EqualTo(NodeCategory.OHT));
            Assert.That(node.CapacityLitres, Is.EqualTo(1000));
        });
    }

    [Test]
    public void A_location_name_is_trimmed_before_its_length_is_checked()
    {
        var node = Create(locationName: " " + new string('x', 200));

        Assert.That(node.LocationName, Has.Length.EqualTo(200));
    }
}
