using System.Globalization;

namespace EvaraTech.Benchmarks;

/// <summary>The local PostgreSQL server's processes, read from <c>/proc</c>: the database's share of a load test's CPU.</summary>
public static class PostgresProcesses
{
    /// <summary>
    /// User and system CPU time of each PostgreSQL process on this machine so far (the server and its backends), by
    /// process id: a difference over a profile counts the processes alive at its end, so a backend that exits during
    /// it (a pool trimming idle connections) takes away only its own share instead of making the sum negative.
    /// </summary>
    public static IReadOnlyDictionary<int, TimeSpan> CpuTimes()
    {
        const double ticksPerSecond = 100; // USER_HZ on Linux
        var times = new Dictionary<int, TimeSpan>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var name = stat.IndexOf('(', StringComparison.Ordinal);
                var end = stat.LastIndexOf(')');
                if (name < 0 || end < 0 || stat[(name + 1)..end] != "postgres")
                {
                    continue;
                }

                // Fields after the name: state is the 3rd field of the line, utime the 14th and stime the 15th.
                var fields = stat[(end + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                times[pid] = TimeSpan.FromSeconds(ticks / ticksPerSecond);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was read.
            }
        }

        return times;
    }
}
