namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>A clock that stands still until a test moves it.</summary>
public sealed class MovableClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public void Advance(TimeSpan by) => _now += by;

    public override DateTimeOffset GetUtcNow() => _now;
}
