namespace EvaraTech.Simulator.Signals;

/// <summary>
/// Randomness as a pure function of (channel, index, purpose): the same instant always yields the same value, so a
/// re-poll or a test sees exactly what it saw before, and nothing has to be stored.
/// </summary>
internal static class Noise
{
    /// <summary>Uniform in [0, 1).</summary>
    public static double Unit(long channel, long index, Salt salt)
    {
        var x = Mix((ulong)channel * 0x9E3779B97F4A7C15UL ^ Mix((ulong)index + (ulong)salt * 0xD1B54A32D192ED03UL));
        return (x >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Standard normal (Box–Muller over two uniforms).</summary>
    public static double Gaussian(long channel, long index, Salt salt)
    {
        var u1 = 1.0 - Unit(channel, index, salt);
        var u2 = Unit(channel, index, salt + 1000);
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>
    /// A slowly wandering value in [-1, 1]: uniforms at integer positions, eased in between, so consecutive readings
    /// drift instead of jumping.
    /// </summary>
    public static double Smooth(long channel, double position, Salt salt)
    {
        var knot = (long)Math.Floor(position);
        var t = position - knot;
        var eased = t * t * (3 - 2 * t);
        var a = Unit(channel, knot, salt);
        var b = Unit(channel, knot + 1, salt);
        return 2 * (a + (b - a) * eased) - 1;
    }

    // SplitMix64's finalizer: every input bit affects every output bit.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>One independent random stream per purpose.</summary>
internal enum Salt
{
    Dropout = 1,
    Spike,
    SpikeField,
    NullField,
    NullFieldChoice,
    Level,
    LevelAmplitude,
    PumpWindow1,
    PumpWindow2,
    Temperature,
    Tds,
    Ph,
    Battery,
    Rssi,
    Measurement,
    SupplyVolume,
    SupplyWindow1,
    SupplyWindow2,
    CounterReset,
    Pressure,
    PumpCycle,
    PumpOn,
    StaticLevel,
    Voltage,
    Fault,
    TooManyRequests,
}
