using System.Collections.Concurrent;

namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>
/// Failed logins per email in a sliding window: after too many, that email is refused for the rest of the window
/// whatever the password, which stops password guessing against one account from many addresses.
/// (Per instance; the per-client limit is the rate limiter's.)
/// </summary>
public sealed class LoginThrottle(IOptions<JwtOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.OrdinalIgnoreCase);

    public bool IsThrottled(string email)
    {
        if (!_failures.TryGetValue(email, out var failures))
        {
            return false;
        }

        lock (failures)
        {
            Prune(failures);
            return failures.Count >= options.Value.LoginFailuresPerEmail;
        }
    }

    public void RecordFailure(string email)
    {
        var failures = _failures.GetOrAdd(email, _ => new Queue<DateTimeOffset>());
        lock (failures)
        {
            Prune(failures);
            failures.Enqueue(clock.GetUtcNow());
        }
    }

    public void RecordSuccess(string email) => _failures.TryRemove(email, out _);

    private void Prune(Queue<DateTimeOffset> failures)
    {
        var cutoff = clock.GetUtcNow() - options.Value.LoginFailureWindow;
        while (failures.Count > 0 && failures.Peek() < cutoff)
        {
            failures.Dequeue();
        }
    }
}
