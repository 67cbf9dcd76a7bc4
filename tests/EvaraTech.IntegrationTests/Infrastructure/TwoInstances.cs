namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>Two API instances on one database, sharing a real Redis of the test's own (backplane and read cache).</summary>
public sealed class TwoInstances : IAsyncDisposable
{
    private TwoInstances(RedisProcess redis, ApiFactory a, ApiFactory b) => (Redis, A, B) = (redis, a, b);

    public RedisProcess Redis { get; }

    public ApiFactory A { get; }

    public ApiFactory B { get; }

    public static async Task<TwoInstances> StartAsync(TestDatabase database)
    {
        var redis = await RedisProcess.StartAsync();
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.ConnectionString };
        var instances = new TwoInstances(redis, ApiFactory.For(database, settings), ApiFactory.For(database, settings));
        _ = instances.A.Server;
        _ = instances.B.Server;
        return instances;
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
