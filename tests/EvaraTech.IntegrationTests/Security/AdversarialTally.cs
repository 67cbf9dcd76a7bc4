using System.Collections.Concurrent;

namespace EvaraTech.IntegrationTests.Security;

/// <summary>
/// What one category of the adversarial suite tried and what came back: every attempt is refused, answered harmlessly,
/// a leak (another tenant's data or a forbidden success) or a 5xx. Offenders are kept by name so a failure says which.
/// </summary>
public sealed class AdversarialTally(string category)
{
    private int _attempts;
    private int _refused;

    public string Category { get; } = category;

    public int Attempts => _attempts;

    public int Refused => _refused;

    public ConcurrentQueue<string> Leaks { get; } = new();

    public ConcurrentQueue<string> ServerErrors { get; } = new();

    public void Attempted() => Interlocked.Increment(ref _attempts);

    public void WasRefused() => Interlocked.Increment(ref _refused);

    public void Leaked(string what) => Leaks.Enqueue(what);

    public void Failed(string what) => ServerErrors.Enqueue(what);

    /// <summary>Counts one HTTP answer: 4xx is refused, 5xx a server error; whether a 2xx leaked is the caller's to judge.</summary>
    public void Answered(string what, int status, string body = "")
    {
        Attempted();
        if (status >= 500)
        {
            Failed($"{what} → {status} {(body.Length > 400 ? body[..400] + "…" : body)}");
        }
        else if (status >= 400)
        {
            WasRefused();
        }
    }

    public override string ToString() => $"{Category} attempts={Attempts} refused={Refused} leaks={Leaks.Count} 5xx={ServerErrors.Count}";

    /// <summary>Both counts that must stay at zero, with the offenders listed (the first few, and how many more).</summary>
    public void AssertClean() => Assert.Multiple(() =>
    {
        Assert.That(Attempts, Is.GreaterThan(0), $"{Category}: nothing was attempted");
        Assert.That(Leaks, Is.Empty, $"{Category} leaks:{Environment.NewLine}{List(Leaks)}");
        Assert.That(ServerErrors, Is.Empty, $"{Category} 5xx:{Environment.NewLine}{List(ServerErrors)}");
    });

    private static string List(IEnumerable<string> offenders)
    {
        var all = offenders.ToArray();
        var shown = string.Join(Environment.NewLine, all.Take(40));
        return all.Length > 40 ? $"{shown}{Environment.NewLine}… and {all.Length - 40} more" : shown;
    }
}

/// <summary>The run's tallies, one per category, printed together when the suite ends.</summary>
public static class AdversarialTallies
{
    private static readonly ConcurrentDictionary<string, AdversarialTally> All = new();

    /// <summary>A fresh tally for <paramref name="category"/> (a re-run of the category replaces the previous one).</summary>
    public static AdversarialTally Start(string category) => All[category] = new AdversarialTally(category);

    public static bool Any => !All.IsEmpty;

    public static string Summary()
    {
        var tallies = All.Values.OrderBy(t => t.Category, StringComparer.Ordinal).ToArray();
        var total = $"total attempts={tallies.Sum(t => t.Attempts)} refused={tallies.Sum(t => t.Refused)} " +
            $"leaks={tallies.Sum(t => t.Leaks.Count)} 5xx={tallies.Sum(t => t.ServerErrors.Count)}";
        return "adversarial: " + string.Join("; ", tallies.Select(t => t.ToString()).Append(total));
    }
}
