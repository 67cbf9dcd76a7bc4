using EvaraTech.Demo;
using EvaraTech.Simulator.Channels;

namespace EvaraTech.Simulator.Signals;

/// <summary>
/// A borewell pump that runs in cycles of two to three and a half hours, on for a varying share of each cycle; the
/// water level draws down while it runs and recovers after, and the energy meter counts the running time.
/// </summary>
internal static class DeepSignal
{
    private const double LineVolts = 415;

    public static Measure[] Read(DeepDevice config, Moment m)
    {
        var id = m.Channel;
        var period = 150 + 60 * Noise.Unit(id, 0, Salt.PumpCycle);
        var sinceEpoch = (m.UnixSeconds - ChannelCatalog.Epoch.ToUnixTimeSeconds()) / 60.0 + period * Noise.Unit(id, 1, Salt.PumpCycle);
        var cycle = (long)Math.Floor(sinceEpoch / period);
        var elapsed = sinceEpoch - cycle * period;

        // On-time of cycle c is mean + swing·(u(c+1) − u(c)), between 10% and 60% of the cycle; the run time of all
        // earlier cycles telescopes, so the energy counter is O(1) at any instant.
        var (meanOn, swing) = (0.35 * period, 0.25 * period);
        double U(long c) => Noise.Unit(id, c, Salt.PumpOn);
        var onMinutes = meanOn + swing * (U(cycle + 1) - U(cycle));
        var running = elapsed < onMinutes;
        var runMinutes = cycle * meanOn + swing * (U(cycle) - U(0)) + Math.Min(elapsed, onMinutes);

        var staticLevel = config.WellDepthM * 0.25 * (1 + 0.15 * Noise.Smooth(id, m.Days / 5, Salt.StaticLevel));
        var maxDrawdown = 0.3 * ((config.PumpDepthM ?? 0.8 * config.WellDepthM) - staticLevel);
        var drawdown = running
            ? maxDrawdown * (1 - Math.Exp(-elapsed / 12))
            : maxDrawdown * (1 - Math.Exp(-onMinutes / 12)) * Math.Exp(-(elapsed - onMinutes) / 10);
        var ratedCurrent = config.PumpRatingKw * 1_000 / (Math.Sqrt(3) * LineVolts * 0.85);

        return
        [
            new("static_water_level_m", staticLevel + 0.02 * m.Jiggle(0), 2),
            new("dynamic_water_level_m", staticLevel + drawdown + 0.03 * m.Jiggle(1), 2),
            new("pump_status", 0, 0, Text: running ? "running" : "stopped"),
            new("pump_current_a", running ? ratedCurrent * (1 + 0.03 * m.Jiggle(3)) : 0, 2),
            new("voltage_v", LineVolts + 6 * Noise.Smooth(id, m.Hours / 2, Salt.Voltage) - (running ? 5 : 0) + 1.5 * m.Jiggle(4), 1),
            new("energy_kwh", config.PumpRatingKw * runMinutes / 60, 2, IsCounter: true),
        ];
    }
}
