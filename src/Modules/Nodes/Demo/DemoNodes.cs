using System.Globalization;
using EvaraTech.Domain;
using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.Modules.Nodes.Demo;

/// <summary>
/// The embedded default's demo nodes: tanks, sumps, flow meters and borewells around Hyderabad and Bengaluru, each
/// with its configuration, ThingSpeak channel, field mappings, firmware and tags. Every id and key is fixed, so
/// seeding twice writes nothing new. Development only: the ThingSpeak keys are obviously fake.
/// </summary>
/// <remarks>
/// The Nodes module does not know the demo tenants' ids: a node names its owner by position instead
/// (<see cref="DemoOwner"/>), and the seeder resolves that position against the tenants the directory lists.
/// </remarks>
public static class DemoNodes
{
    /// <summary>The first demo channel id; node N reports on channel <c>FirstChannelId + N - 1</c>.</summary>
    public const long FirstChannelId = 2_900_001;

    /// <summary>When the demo firmware was last updated (a fixed instant, so the rows never change).</summary>
    public static readonly DateTimeOffset FirmwareUpdatedAt = new(2026, 9, 15, 4, 30, 0, TimeSpan.Zero);

    /// <summary>
    /// Who owns a demo node, by position: the <see cref="DistributorSlot"/>-th distributor (ordered by id, modulo how
    /// many there are), and within its subtree the <see cref="Slot"/>-th community or customer of <see cref="Level"/>.
    /// </summary>
    public sealed record DemoOwner(int DistributorSlot, TenantType Level, int Slot = 0);

    public sealed record DemoFirmware(string Version, string HardwareRevision, string BootloaderVersion, string UpdateStatus);

    public sealed record DemoTag(Guid Id, string Name, string Value);

    /// <summary>One ThingSpeak field of a demo channel and the canonical field it feeds.</summary>
    public sealed record DemoMapping(Guid Id, string ThingSpeakField, CanonicalField Canonical)
    {
        /// <summary>The database's spelling of the data type (<c>float</c>, <c>integer</c>, <c>string</c>, <c>boolean</c>).</summary>
        public string DataType => Canonical.DataType.ToString().ToLowerInvariant();

        /// <summary>The catalogue's unit; a unitless field (pump status) stores none.</summary>
        public string? Unit => Canonical.Unit.Length == 0 ? null : Canonical.Unit;
    }

    public sealed record DemoNode(
        int Number,
        string Key,
        string Label,
        NodeCategory Category,
        DemoOwner Owner,
        string LocationName,
        double Lat,
        double Lng,
        double? CapacityLitres,
        DeviceConfig Config,
        DemoFirmware Firmware,
        IReadOnlyList<DemoTag> Tags)
    {
        /// <summary>Fixed and version-7 shaped, like the demo tenants' ids.</summary>
        public Guid Id => Guid.Parse($"0192f000-0000-7000-8000-00000001{Number:D4}", CultureInfo.InvariantCulture);

        public AnalyticsType AnalyticsType => NodeKinds.AnalyticsTypeOf(Category);

        public long ChannelId => FirstChannelId + Number - 1;

        /// <summary>16 characters, alphanumeric, unmistakably fake.</summary>
        public string ReadKey => $"DEMOREADKEY{Number:D5}";

        /// <summary>16 characters, alphanumeric, unmistakably fake; unique per node, as the write endpoint needs.</summary>
        public string WriteKey => $"DEMOWRITEKY{Number:D5}";

        /// <summary>field1..fieldN onto every canonical field of the node's type, in a fixed order.</summary>
        public IReadOnlyList<DemoMapping> Mappings =>
        [
            .. MappedFields[AnalyticsType].Select((name, i) => new DemoMapping(
                Guid.Parse($"0192f000-0000-7000-8000-00000002{Number:D2}{i + 1:D2}", CultureInfo.InvariantCulture),
                $"field{i + 1}",
                CanonicalFields.Find(AnalyticsType, name)
                    ?? throw new InvalidOperationException($"{name} is not a canonical field of {AnalyticsType}."))),
        ];
    }

    /// <summary>The order in which a demo channel's fields carry each type's canonical fields.</summary>
    public static readonly IReadOnlyDictionary<AnalyticsType, string[]> MappedFields = new Dictionary<AnalyticsType, string[]>
    {
        [AnalyticsType.EvaraTank] = ["water_level_cm", "temperature_c", "tds_ppm", "ph", "battery_voltage", "rssi_dbm"],
        [AnalyticsType.EvaraFlow] = ["flow_rate_lpm", "cumulative_volume_liters", "pressure_bar", "temperature_c"],
        [AnalyticsType.EvaraDeep] = ["static_water_level_m", "dynamic_water_level_m", "pump_status", "pump_current_a", "voltage_v", "energy_kwh"],
    };

    public static readonly DemoTag ZoneNorth = Tag(1, "zone", "north");
    public static readonly DemoTag ZoneSouth = Tag(2, "zone", "south");
    public static readonly DemoTag ZoneEast = Tag(3, "zone", "east");
    public static readonly DemoTag ZoneWest = Tag(4, "zone", "west");
    public static readonly DemoTag CriticalityHigh = Tag(5, "criticality", "high");
    public static readonly DemoTag CriticalityNormal = Tag(6, "criticality", "normal");

    public static readonly DemoTag[] Tags = [ZoneNorth, ZoneSouth, ZoneEast, ZoneWest, CriticalityHigh, CriticalityNormal];

    private static readonly DemoFirmware TankCurrent = new("2.3.1", "EVT-TANK-rC", "1.2.0", "up_to_date");
    private static readonly DemoFirmware TankOlder = new("2.2.0", "EVT-TANK-rB", "1.1.4", "update_available");
    private static readonly DemoFirmware FlowCurrent = new("1.8.0", "EVF-MAG-r2", "1.0.3", "up_to_date");
    private static readonly DemoFirmware DeepCurrent = new("3.0.4", "EVD-PUMP-rA", "2.0.1", "up_to_date");
    private static readonly DemoFirmware DeepOlder = new("2.9.7", "EVD-PUMP-rA", "2.0.1", "update_available");

    // Distributor slot 0 (the first demo distributor) is served around Hyderabad, slot 1 around Bengaluru.
    private const int Hyderabad = 0;
    private const int Bengaluru = 1;

    public static readonly DemoNode[] Nodes =
    [
        // Hyderabad: tanks and sumps.
        new(1, "demo-tank-01", "Gachibowli Overhead Tank A", NodeCategory.OHT, Distributor(Hyderabad),
            "Gachibowli, Hyderabad", 17.4401, 78.3489, 50_000, new TankConfig(450, 20, 20, 90), TankCurrent, [ZoneWest, CriticalityHigh]),
        new(2, "demo-tank-02", "Gachibowli Underground Sump", NodeCategory.Sump, Distributor(Hyderabad),
            "Gachibowli, Hyderabad", 17.4412, 78.3501, 100_000, new TankConfig(300, 15, 15, 95), TankCurrent, [ZoneWest, CriticalityHigh]),
        new(3, "demo-tank-03", "Kondapur Block B Overhead Tank", NodeCategory.OHT, Community(Hyderabad, 0),
            "Kondapur, Hyderabad", 17.4600, 78.3548, 25_000, new TankConfig(400, 25, 25, 90), TankCurrent, [ZoneWest, CriticalityNormal]),
        new(4, "demo-tank-04", "Kondapur Clubhouse Sump", NodeCategory.Sump, Community(Hyderabad, 0),
            "Kondapur, Hyderabad", 17.4621, 78.3577, 60_000, new TankConfig(280, 15, 20, 90), TankOlder, [ZoneWest, CriticalityNormal]),
        new(5, "demo-tank-05", "Kukatpally Tower C Overhead Tank", NodeCategory.OHT, Community(Hyderabad, 1),
            "Kukatpally, Hyderabad", 17.4948, 78.3996, 30_000, new TankConfig(420, 20, 20, 85), TankCurrent, [ZoneNorth, CriticalityNormal]),
        new(6, "demo-tank-06", "Miyapur Villa 12 Sump", NodeCategory.Sump, Customer(Hyderabad, 0),
            "Miyapur, Hyderabad", 17.4969, 78.3578, 8_000, new TankConfig(200, 10, 25, 90), TankCurrent, [ZoneNorth]),

        // Hyderabad: flow meters.
        new(7, "demo-flow-01", "Gachibowli Trunk Main Inlet", NodeCategory.FlowMeter, Distributor(Hyderabad),
            "Gachibowli, Hyderabad", 17.4389, 78.3462, null, new FlowConfig(150, 0.1, 3_000), FlowCurrent, [ZoneWest, CriticalityHigh]),
        new(8, "demo-flow-02", "Kondapur Community Supply Line", NodeCategory.FlowMeter, Community(Hyderabad, 0),
            "Kondapur, Hyderabad", 17.4612, 78.3561, null, new FlowConfig(80, 1, 800), FlowCurrent, [ZoneWest, CriticalityNormal]),
        new(9, "demo-flow-03", "Kukatpally Villa 7 Inlet Meter", NodeCategory.FlowMeter, Customer(Hyderabad, 1),
            "Kukatpally, Hyderabad", 17.4931, 78.4012, null, new FlowConfig(25, 10, 60), FlowCurrent, [ZoneNorth]),

        // Hyderabad: borewells.
        new(10, "demo-deep-01", "Miyapur Borewell 1", NodeCategory.Borewell, Community(Hyderabad, 1),
            "Miyapur, Hyderabad", 17.4983, 78.3590, null, new DeepConfig(150, 5.5, 120), DeepCurrent, [ZoneNorth, CriticalityHigh]),
        new(11, "demo-deep-02", "Manikonda Villa Borewell", NodeCategory.Borewell, Customer(Hyderabad, 2),
            "Manikonda, Hyderabad", 17.4050, 78.3860, null, new DeepConfig(90, 3.7, 75), DeepOlder, [ZoneWest]),
        new(12, "demo-deep-03", "Kompally Farm Borewell", NodeCategory.Borewell, Customer(Hyderabad, 3),
            "Kompally, Hyderabad", 17.5406, 78.4867, null, new DeepConfig(200, 7.5, 170), DeepCurrent, [ZoneNorth]),

        // Bengaluru: tanks and sumps.
        new(13, "demo-tank-07", "Whitefield Phase 1 Overhead Tank", NodeCategory.OHT, Distributor(Bengaluru),
            "Whitefield, Bengaluru", 12.9698, 77.7500, 75_000, new TankConfig(500, 25, 20, 90), TankCurrent, [ZoneEast, CriticalityHigh]),
        new(14, "demo-tank-08", "Whitefield Main Sump", NodeCategory.Sump, Distributor(Bengaluru),
            "Whitefield, Bengaluru", 12.9711, 77.7489, 150_000, new TankConfig(350, 20, 15, 95), TankCurrent, [ZoneEast, CriticalityHigh]),
        new(15, "demo-tank-09", "HSR Layout Block D Overhead Tank", NodeCategory.OHT, Community(Bengaluru, 0),
            "HSR Layout, Bengaluru", 12.9116, 77.6389, 20_000, new TankConfig(380, 20, 20, 90), TankOlder, [ZoneSouth, CriticalityNormal]),
        new(16, "demo-tank-10", "HSR Layout Clubhouse Sump", NodeCategory.Sump, Community(Bengaluru, 0),
            "HSR Layout, Bengaluru", 12.9128, 77.6401, 50_000, new TankConfig(260, 15, 20, 90), TankCurrent, [ZoneSouth, CriticalityNormal]),
        new(17, "demo-tank-11", "Hebbal Lakeside Tower 2 Overhead Tank", NodeCategory.OHT, Community(Bengaluru, 1),
            "Hebbal, Bengaluru", 13.0358, 77.5970, 35_000, new TankConfig(440, 20, 25, 90), TankCurrent, [ZoneNorth, CriticalityNormal]),
        new(18, "demo-tank-12", "Jayanagar 4th Block House Sump", NodeCategory.Sump, Customer(Bengaluru, 0),
            "Jayanagar, Bengaluru", 12.9250, 77.5938, 6_000, new TankConfig(180, 10, 25, 90), TankCurrent, [ZoneSouth]),

        // Bengaluru: flow meters.
        new(19, "demo-flow-04", "Whitefield Bulk Supply Inlet", NodeCategory.FlowMeter, Distributor(Bengaluru),
            "Whitefield, Bengaluru", 12.9685, 77.7478, null, new FlowConfig(200, 0.1, 5_000), FlowCurrent, [ZoneEast, CriticalityHigh]),
        new(20, "demo-flow-05", "Hebbal Ring Main Meter", NodeCategory.FlowMeter, Community(Bengaluru, 1),
            "Hebbal, Bengaluru", 13.0371, 77.5989, null, new FlowConfig(100, 1, 1_200), FlowCurrent, [ZoneNorth, CriticalityNormal]),
        new(21, "demo-flow-06", "Indiranagar Residence Inlet Meter", NodeCategory.FlowMeter, Customer(Bengaluru, 1),
            "Indiranagar, Bengaluru", 12.9719, 77.6412, null, new FlowConfig(20, 10, 40), FlowCurrent, [ZoneEast]),

        // Bengaluru: borewells.
        new(22, "demo-deep-04", "Yelahanka Farm Borewell 1", NodeCategory.Borewell, Community(Bengaluru, 1),
            "Yelahanka, Bengaluru", 13.1007, 77.5963, null, new DeepConfig(250, 7.5, 200), DeepCurrent, [ZoneNorth, CriticalityHigh]),
        new(23, "demo-deep-05", "Sarjapur Road Villa Borewell", NodeCategory.Borewell, Customer(Bengaluru, 2),
            "Sarjapur Road, Bengaluru", 12.9010, 77.6870, null, new DeepConfig(120, 3.7, 100), DeepOlder, [ZoneSouth]),
        new(24, "demo-deep-06", "Electronic City Plot 9 Borewell", NodeCategory.Borewell, Customer(Bengaluru, 3),
            "Electronic City, Bengaluru", 12.8452, 77.6602, null, new DeepConfig(180, 5.5, 150), DeepCurrent, [ZoneSouth]),
    ];

    private static DemoOwner Distributor(int distributorSlot) => new(distributorSlot, TenantType.Distributor);

    private static DemoOwner Community(int distributorSlot, int slot) => new(distributorSlot, TenantType.Community, slot);

    private static DemoOwner Customer(int distributorSlot, int slot) => new(distributorSlot, TenantType.Customer, slot);

    private static DemoTag Tag(int number, string name, string value) =>
        new(Guid.Parse($"0192f000-0000-7000-8000-0000000300{number:D2}", CultureInfo.InvariantCulture), name, value);
}
