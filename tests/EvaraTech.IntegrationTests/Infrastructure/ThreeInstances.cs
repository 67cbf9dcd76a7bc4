namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>Three API instances on one database, sharing a real Redis of the test's own (backplane and read cache).</summary>
public sealed class ThreeInstances : IAsyncDisposable
{
    private ThreeInstances(RedisProcess redis, ApiFactory a, ApiFactory b, ApiFactory c) => (Redis, A, B, C) = (redis, a, b, c);

    public RedisProcess Redis { get; }

    public ApiFactory A { get; }

    public ApiFactory B { get; }

    public ApiFactory C { get; }

    public static async Task<ThreeInstances> StartAsync(TestDatabase database)
    {
        var redis = await RedisProcess.StartAsync();
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.ConnectionString };
        var instances = new ThreeInstances(redis, ApiFactory.For(database, settings), ApiFactory.For(database, settings), ApiFactory.For(database, settings));
        _ = instances.A.Server;
        _ = instances.B.Server;
        _ = instances.C.Server;
        return instances;
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await C.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
