using EvaraTech.Demo;

namespace EvaraTech.Simulator.Signals;

/// <summary>
/// A supply-line meter: water flows in a morning and an evening supply window, the cumulative counter adds up what
/// flowed and is reset every few weeks (a meter swap or rollover), at a local midnight.
/// </summary>
internal static class FlowSignal
{
    private const double WindowMinutes = 180;

    public static Measure[] Read(FlowDevice config, Moment m)
    {
        var (id, day, minute) = (m.Channel, m.LocalDay, m.MinuteOfDay);
        var maxRate = config.MaxFlowRateLpm ?? 100;

        // A day's volume is mean + swing·(u(d+1) − u(d)): it varies day to day, yet the sum over any run of days
        // telescopes to a closed form, so the counter at any instant costs O(1).
        var meanVolume = 0.55 * maxRate * 2 * WindowMinutes;
        var swing = 0.3 * meanVolume;
        double U(long d) => Noise.Unit(id, d, Salt.SupplyVolume);
        var rate = (meanVolume + swing * (U(day + 1) - U(day))) / (2 * WindowMinutes);

        var morning = DailyWindow.Jittered(id, day, Salt.SupplyWindow1, 300, WindowMinutes, 30);
        var evening = DailyWindow.Jittered(id, day, Salt.SupplyWindow2, 1_020, WindowMinutes, 30);
        var flowing = morning.Contains(minute) || evening.Contains(minute);
        var today = rate * WindowMinutes * (morning.Progress(minute) + evening.Progress(minute));

        var resetEvery = 20 + (long)(20 * Noise.Unit(id, 0, Salt.CounterReset));
        var phase = (long)(resetEvery * Noise.Unit(id, 1, Salt.CounterReset));
        var resetDay = day - (day + phase) % resetEvery;
        var counter = (day - resetDay) * meanVolume + swing * (U(day) - U(resetDay)) + today;

        return
        [
            new("flow_rate_lpm", flowing ? rate * (1 + 0.04 * m.Jiggle(0)) : 0, 2),
            new("cumulative_volume_liters", counter, 1, IsCounter: true),
            new("pressure_bar", flowing ? 2.2 + 0.3 * Noise.Smooth(id, m.Hours, Salt.Pressure) + 0.05 * m.Jiggle(2) : 0.3 + 0.03 * m.Jiggle(2), 2),
            new("temperature_c", 25 + 2 * m.Diurnal(900) + 0.1 * m.Jiggle(3), 2),
        ];
    }
}
