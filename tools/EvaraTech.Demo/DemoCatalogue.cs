using System.Globalization;

namespace EvaraTech.Demo;

/// <summary>
/// The embedded default's demo nodes: tanks, sumps, flow meters and borewells around Hyderabad and Bengaluru, each
/// with its device sizes, ThingSpeak channel, field layout, firmware and tags. Every id and key is fixed, so seeding
/// twice writes nothing new. Development only: the ThingSpeak keys are obviously fake.
/// </summary>
/// <remarks>
/// The one copy of this data: the Nodes module seeds it (in its own types), the ThingSpeak simulator serves these
/// channels, and the test data sets map their channels the same way. A node names its owner by position
/// (<see cref="DemoOwner"/>), since the demo tenants' ids are the Tenancy module's.
/// </remarks>
public static class DemoCatalogue
{
    /// <summary>The first demo channel id; node N reports on channel <c>FirstChannelId + N - 1</c>.</summary>
    public const long FirstChannelId = 2_900_001;

    /// <summary>When the demo firmware was last updated (a fixed instant, so the rows never change).</summary>
    public static readonly DateTimeOffset FirmwareUpdatedAt = new(2026, 9, 15, 4, 30, 0, TimeSpan.Zero);

    /// <summary>The canonical fields, in the order a demo channel's field1..fieldN carry them, of each analytics type.</summary>
    public static readonly IReadOnlyDictionary<string, DemoField[]> MappedFields = new Dictionary<string, DemoField[]>
    {
        [DemoTypes.Tank] =
        [
            new("water_level_cm", "float"), new("temperature_c", "float"), new("tds_ppm", "integer"), new("ph", "float"),
            new("battery_voltage", "float"), new("rssi_dbm", "integer"),
        ],
        [DemoTypes.Flow] = [new("flow_rate_lpm", "float"), new("cumulative_volume_liters", "float"), new("pressure_bar", "float"), new("temperature_c", "float")],
        [DemoTypes.Deep] =
        [
            new("static_water_level_m", "float"), new("dynamic_water_level_m", "float"), new("pump_status", "string"),
            new("pump_current_a", "float"), new("voltage_v", "float"), new("energy_kwh", "float"),
        ],
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
        new(1, "demo-tank-01", "Gachibowli Overhead Tank A", "OHT", Distributor(Hyderabad),
            "Gachibowli, Hyderabad", 17.4401, 78.3489, 50_000, new TankDevice(450, 20, 20, 90), TankCurrent, [ZoneWest, CriticalityHigh]),
        new(2, "demo-tank-02", "Gachibowli Underground Sump", "Sump", Distributor(Hyderabad),
            "Gachibowli, Hyderabad", 17.4412, 78.3501, 100_000, new TankDevice(300, 15, 15, 95), TankCurrent, [ZoneWest, CriticalityHigh]),
        new(3, "demo-tank-03", "Kondapur Block B Overhead Tank", "OHT", Community(Hyderabad, 0),
            "Kondapur, Hyderabad", 17.4600, 78.3548, 25_000, new TankDevice(400, 25, 25, 90), TankCurrent, [ZoneWest, CriticalityNormal]),
        new(4, "demo-tank-04", "Kondapur Clubhouse Sump", "Sump", Community(Hyderabad, 0),
            "Kondapur, Hyderabad", 17.4621, 78.3577, 60_000, new TankDevice(280, 15, 20, 90), TankOlder, [ZoneWest, CriticalityNormal]),
        new(5, "demo-tank-05", "Kukatpally Tower C Overhead Tank", "OHT", Community(Hyderabad, 1),
            "Kukatpally, Hyderabad", 17.4948, 78.3996, 30_000, new TankDevice(420, 20, 20, 85), TankCurrent, [ZoneNorth, CriticalityNormal]),
        new(6, "demo-tank-06", "Miyapur Villa 12 Sump", "Sump", Customer(Hyderabad, 0),
            "Miyapur, Hyderabad", 17.4969, 78.3578, 8_000, new TankDevice(200, 10, 25, 90), TankCurrent, [ZoneNorth]),

        // Hyderabad: flow meters.
        new(7, "demo-flow-01", "Gachibowli Trunk Main Inlet", "FlowMeter", Distributor(Hyderabad),
            "Gachibowli, Hyderabad", 17.4389, 78.3462, null, new FlowDevice(150, 0.1, 3_000), FlowCurrent, [ZoneWest, CriticalityHigh]),
        new(8, "demo-flow-02", "Kondapur Community Supply Line", "FlowMeter", Community(Hyderabad, 0),
            "Kondapur, Hyderabad", 17.4612, 78.3561, null, new FlowDevice(80, 1, 800), FlowCurrent, [ZoneWest, CriticalityNormal]),
        new(9, "demo-flow-03", "Kukatpally Villa 7 Inlet Meter", "FlowMeter", Customer(Hyderabad, 1),
            "Kukatpally, Hyderabad", 17.4931, 78.4012, null, new FlowDevice(25, 10, 60), FlowCurrent, [ZoneNorth]),

        // Hyderabad: borewells.
        new(10, "demo-deep-01", "Miyapur Borewell 1", "Borewell", Community(Hyderabad, 1),
            "Miyapur, Hyderabad", 17.4983, 78.3590, null, new DeepDevice(150, 5.5, 120), DeepCurrent, [ZoneNorth, CriticalityHigh]),
        new(11, "demo-deep-02", "Manikonda Villa Borewell", "Borewell", Customer(Hyderabad, 2),
            "Manikonda, Hyderabad", 17.4050, 78.3860, null, new DeepDevice(90, 3.7, 75), DeepOlder, [ZoneWest]),
        new(12, "demo-deep-03", "Kompally Farm Borewell", "Borewell", Customer(Hyderabad, 3),
            "Kompally, Hyderabad", 17.5406, 78.4867, null, new DeepDevice(200, 7.5, 170), DeepCurrent, [ZoneNorth]),

        // Bengaluru: tanks and sumps.
        // Whitefield's tank and inlet meter publish over MQTT; every other demo node is polled.
        new(13, "demo-tank-07", "Whitefield Phase 1 Overhead Tank", "OHT", Distributor(Bengaluru),
            "Whitefield, Bengaluru", 12.9698, 77.7500, 75_000, new TankDevice(500, 25, 20, 90), TankCurrent, [ZoneEast, CriticalityHigh])
        {
            ReportsOverMqtt = true,
        },
        new(14, "demo-tank-08", "Whitefield Main Sump", "Sump", Distributor(Bengaluru),
            "Whitefield, Bengaluru", 12.9711, 77.7489, 150_000, new TankDevice(350, 20, 15, 95), TankCurrent, [ZoneEast, CriticalityHigh]),
        new(15, "demo-tank-09", "HSR Layout Block D Overhead Tank", "OHT", Community(Bengaluru, 0),
            "HSR Layout, Bengaluru", 12.9116, 77.6389, 20_000, new TankDevice(380, 20, 20, 90), TankOlder, [ZoneSouth, CriticalityNormal]),
        new(16, "demo-tank-10", "HSR Layout Clubhouse Sump", "Sump", Community(Bengaluru, 0),
            "HSR Layout, Bengaluru", 12.9128, 77.6401, 50_000, new TankDevice(260, 15, 20, 90), TankCurrent, [ZoneSouth, CriticalityNormal]),
        new(17, "demo-tank-11", "Hebbal Lakeside Tower 2 Overhead Tank", "OHT", Community(Bengaluru, 1),
            "Hebbal, Bengaluru", 13.0358, 77.5970, 35_000, new TankDevice(440, 20, 25, 90), TankCurrent, [ZoneNorth, CriticalityNormal]),
        new(18, "demo-tank-12", "Jayanagar 4th Block House Sump", "Sump", Customer(Bengaluru, 0),
            "Jayanagar, Bengaluru", 12.9250, 77.5938, 6_000, new TankDevice(180, 10, 25, 90), TankCurrent, [ZoneSouth]),

        // Bengaluru: flow meters.
        new(19, "demo-flow-04", "Whitefield Bulk Supply Inlet", "FlowMeter", Distributor(Bengaluru),
            "Whitefield, Bengaluru", 12.9685, 77.7478, null, new FlowDevice(200, 0.1, 5_000), FlowCurrent, [ZoneEast, CriticalityHigh])
        {
            ReportsOverMqtt = true,
        },
        new(20, "demo-flow-05", "Hebbal Ring Main Meter", "FlowMeter", Community(Bengaluru, 1),
            "Hebbal, Bengaluru", 13.0371, 77.5989, null, new FlowDevice(100, 1, 1_200), FlowCurrent, [ZoneNorth, CriticalityNormal]),
        new(21, "demo-flow-06", "Indiranagar Residence Inlet Meter", "FlowMeter", Customer(Bengaluru, 1),
            "Indiranagar, Bengaluru", 12.9719, 77.6412, null, new FlowDevice(20, 10, 40), FlowCurrent, [ZoneEast]),

        // Bengaluru: borewells.
        new(22, "demo-deep-04", "Yelahanka Farm Borewell 1", "Borewell", Community(Bengaluru, 1),
            "Yelahanka, Bengaluru", 13.1007, 77.5963, null, new DeepDevice(250, 7.5, 200), DeepCurrent, [ZoneNorth, CriticalityHigh]),
        new(23, "demo-deep-05", "Sarjapur Road Villa Borewell", "Borewell", Customer(Bengaluru, 2),
            "Sarjapur Road, Bengaluru", 12.9010, 77.6870, null, new DeepDevice(120, 3.7, 100), DeepOlder, [ZoneSouth]),
        new(24, "demo-deep-06", "Electronic City Plot 9 Borewell", "Borewell", Customer(Bengaluru, 3),
            "Electronic City, Bengaluru", 12.8452, 77.6602, null, new DeepDevice(180, 5.5, 150), DeepCurrent, [ZoneSouth]),
    ];

    private static DemoOwner Distributor(int distributorSlot) => new(distributorSlot, OwnerLevel.Distributor);

    private static DemoOwner Community(int distributorSlot, int slot) => new(distributorSlot, OwnerLevel.Community, slot);

    private static DemoOwner Customer(int distributorSlot, int slot) => new(distributorSlot, OwnerLevel.Customer, slot);

    private static DemoTag Tag(int number, string name, string value) =>
        new(Guid.Parse($"0192f000-0000-7000-8000-0000000300{number:D2}", CultureInfo.InvariantCulture), name, value);
}
