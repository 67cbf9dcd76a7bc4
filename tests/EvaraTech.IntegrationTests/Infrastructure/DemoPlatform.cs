namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>
/// One database and host started with <c>Demo:Seed</c>, shared by every module's demo tests: they read what the
/// seeders wrote and change none of it, so one migration and one seeding serve them all. Stopped with the platform.
/// </summary>
public static class DemoPlatform
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (TestDatabase Database, ApiFactory Api)? _started;

    public static Dictionary<string, string?> Settings => new() { ["Demo:Seed"] = "true" };

    public static async Task<(TestDatabase Database, ApiFactory Api)> StartAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_started is null)
            {
                var database = await TestDatabase.CreateAsync("demo");
                var api = ApiFactory.For(database, Settings);
                _ = api.Server; // migrates, then runs every module's demo seeder
                _started = (database, api);
            }

            return _started.Value;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task StopAsync()
    {
        if (_started is { } started)
        {
            await started.Api.DisposeAsync();
            await started.Database.DisposeAsync();
            _started = null;
        }
    }
}
