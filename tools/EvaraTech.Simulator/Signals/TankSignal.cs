using EvaraTech.Demo;

namespace EvaraTech.Simulator.Signals;

/// <summary>
/// A tank filled by two pump runs a day (early morning, early afternoon) and drained by household demand with
/// morning and evening peaks. Each day the pumps put back what the day's demand took out, so the level is a closed
/// form of the time of day and comes back to the channel's baseline at midnight.
/// </summary>
internal static class TankSignal
{
    private const double PumpMinutes = 90;

    // Cumulative share of a day's demand by minute of day, from a base draw plus peaks around 07:00 and 19:30.
    private static readonly double[] DemandByMinute = CumulativeDemand();

    public static Measure[] Read(TankDevice config, Moment m)
    {
        var (id, day, minute) = (m.Channel, m.LocalDay, m.MinuteOfDay);
        var baseline = 0.5 + 0.1 * Noise.Unit(id, 0, Salt.Level);
        var amplitude = 0.8 * (0.85 + 0.3 * Noise.Unit(id, day, Salt.LevelAmplitude));
        var filled = 0.5 * DailyWindow.Jittered(id, day, Salt.PumpWindow1, 270, PumpMinutes, 20).Progress(minute)
            + 0.5 * DailyWindow.Jittered(id, day, Salt.PumpWindow2, 840, PumpMinutes, 20).Progress(minute);
        var fraction = Math.Clamp(baseline + amplitude * (filled - Demand(minute)), 0.03, 0.98);

        // A battery lasts about a month from 4.15 V down to 3.4 V, then is swapped; channels are out of phase.
        var batteryAge = (m.Days / 30 + Noise.Unit(id, 0, Salt.Battery)) % 1;

        return
        [
            new("water_level_cm", config.MaxDepthCm * fraction + 0.3 * m.Jiggle(0), 1),
            new("temperature_c", 26 + 3 * m.Diurnal(900) + 1.5 * Noise.Smooth(id, m.Hours / 6, Salt.Temperature) + 0.1 * m.Jiggle(1), 2),
            new("tds_ppm", 220 + 80 * Noise.Unit(id, 0, Salt.Tds) + 30 * Noise.Smooth(id, m.Hours / 12, Salt.Tds) + 3 * m.Jiggle(2), 0),
            new("ph", 7.2 + 0.3 * Noise.Smooth(id, m.Hours / 8, Salt.Ph) + 0.02 * m.Jiggle(3), 2),
            new("battery_voltage", 4.15 - 0.75 * batteryAge + 0.01 * m.Jiggle(4), 2),
            new("rssi_dbm", Math.Clamp(-72 + 12 * Noise.Smooth(id, m.Hours / 3, Salt.Rssi) + 2 * m.Jiggle(5), -110, -40), 0),
        ];
    }

    private static double Demand(double minute)
    {
        var whole = (int)minute;
        return whole >= 1_440 ? 1 : DemandByMinute[whole] + (DemandByMinute[whole + 1] - DemandByMinute[whole]) * (minute - whole);
    }

    private static double[] CumulativeDemand()
    {
        static double Rate(double hour) =>
            0.3 + Math.Exp(-Math.Pow((hour - 7) / 1.2, 2)) + 0.8 * Math.Exp(-Math.Pow((hour - 19.5) / 1.5, 2));

        var cumulative = new double[1_441];
        for (var minute = 1; minute <= 1_440; minute++)
        {
            cumulative[minute] = cumulative[minute - 1] + Rate((minute - 0.5) / 60);
        }

        return [.. cumulative.Select(c => c / cumulative[1_440])];
    }
}
