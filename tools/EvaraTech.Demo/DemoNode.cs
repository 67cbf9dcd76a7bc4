using System.Globalization;

namespace EvaraTech.Demo;

/// <summary>The analytics types' names, spelled as the platform stores them.</summary>
public static class DemoTypes
{
    public const string Tank = "EvaraTank";
    public const string Flow = "EvaraFlow";
    public const string Deep = "EvaraDeep";
}

/// <summary>The tenant level a demo node belongs to within its distributor's subtree.</summary>
public enum OwnerLevel
{
    Distributor,
    Community,
    Customer,
}

/// <summary>
/// Who owns a demo node, by position: the <see cref="DistributorSlot"/>-th distributor (ordered by id, modulo how
/// many there are), and within its subtree the <see cref="Slot"/>-th community or customer of <see cref="Level"/>.
/// </summary>
public sealed record DemoOwner(int DistributorSlot, OwnerLevel Level, int Slot = 0);

public sealed record DemoFirmware(string Version, string HardwareRevision, string BootloaderVersion, string UpdateStatus);

public sealed record DemoTag(Guid Id, string Name, string Value);

/// <summary>A canonical field a demo channel carries, with the database's spelling of its data type.</summary>
public sealed record DemoField(string Name, string DataType);

/// <summary>A device's size: what the platform stores as its configuration and what the simulator's signals scale to.</summary>
public abstract record DemoDevice
{
    /// <summary>The analytics type this kind of device reports as (<see cref="DemoTypes"/>).</summary>
    public abstract string AnalyticsType { get; }
}

public sealed record TankDevice(double MaxDepthCm, double SensorOffsetCm, double LowLevelPercent, double HighLevelPercent) : DemoDevice
{
    public override string AnalyticsType => DemoTypes.Tank;
}

public sealed record FlowDevice(double PipeDiameterMm, double PulsesPerLitre, double? MaxFlowRateLpm) : DemoDevice
{
    public override string AnalyticsType => DemoTypes.Flow;
}

public sealed record DeepDevice(double WellDepthM, double PumpRatingKw, double? PumpDepthM) : DemoDevice
{
    public override string AnalyticsType => DemoTypes.Deep;
}

/// <summary>One demo node; <see cref="Category"/> is the platform's node category name (OHT, Sump, FlowMeter, Borewell).</summary>
public sealed record DemoNode(
    int Number,
    string Key,
    string Label,
    string Category,
    DemoOwner Owner,
    string LocationName,
    double Lat,
    double Lng,
    double? CapacityLitres,
    DemoDevice Device,
    DemoFirmware Firmware,
    IReadOnlyList<DemoTag> Tags)
{
    /// <summary>Fixed and version-7 shaped, like the demo tenants' ids.</summary>
    public Guid Id => Guid.Parse($"0192f000-0000-7000-8000-00000001{Number:D4}", CultureInfo.InvariantCulture);

    public string AnalyticsType => Device.AnalyticsType;

    public long ChannelId => DemoCatalogue.FirstChannelId + Number - 1;

    /// <summary>16 characters, alphanumeric, unmistakably fake.</summary>
    public string ReadKey => $"DEMOREADKEY{Number:D5}";

    /// <summary>
    /// The device publishes its entries to the platform's MQTT broker (the simulator does it for the demo) instead of
    /// being polled from ThingSpeak.
    /// </summary>
    public bool ReportsOverMqtt { get; init; }

    /// <summary>The MQTT client id and user name of a node that <see cref="ReportsOverMqtt"/>; its password is configured.</summary>
    public string MqttIdentity => $"demo{Number:D4}";

    /// <summary>The canonical fields field1..fieldN of the node's channel carry, in order.</summary>
    public IReadOnlyList<DemoField> Fields => DemoCatalogue.MappedFields[AnalyticsType];

    /// <summary>The fixed id of the mapping of field <paramref name="fieldNumber"/> (1-based).</summary>
    public Guid MappingId(int fieldNumber) =>
        Guid.Parse($"0192f000-0000-7000-8000-00000002{Number:D2}{fieldNumber:D2}", CultureInfo.InvariantCulture);
}
