using System.Net;
using EvaraTech.Modules.Telemetry.Ingestion;
using EvaraTech.Simulator.Faults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Simulator;

/// <summary>The platform's ThingSpeak client, with its resilience pipeline, against the simulator over real HTTP.</summary>
[NonParallelizable]
public sealed class ThingSpeakClientTests
{
    private const long TankChannel = 2_900_001;
    private const string TankKey = "DEMOREADKEY00001";

    private SimulatorServer _simulator = null!;
    private ServiceProvider _services = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _simulator = await SimulatorServer.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ThingSpeak:BaseUrl"] = _simulator.BaseAddress.ToString(),
            ["ThingSpeak:AttemptTimeoutSeconds"] = "2",
            ["ThingSpeak:TotalTimeoutSeconds"] = "10",
        }).Build();
        _services = new ServiceCollection().AddThingSpeakClient(configuration).BuildServiceProvider();
    }

    [SetUp]
    public Task ResetAsync() => _simulator.ResetAsync();

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _services.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    private ThingSpeakClient Client => _services.GetRequiredService<ThingSpeakClient>();

    [Test]
    public async Task A_feed_is_read_from_a_start_time_in_ascending_order()
    {
        var start = DateTimeOffset.UtcNow.AddHours(-2);

        var entries = (await Client.ReadFeedAsync(TankChannel, TankKey, start, null, ThingSpeakClient.MaxResults, CancellationToken.None)).Entries;

        Assert.That(entries, Is.Not.Empty);
        Assert.That(entries.Select(e => e.Timestamp), Is.Ordered.And.All.GreaterThanOrEqualTo(start.AddSeconds(-1)));
        Assert.That(entries.Select(e => e.EntryId), Is.Ordered.And.Unique);
        Assert.That(entries.SelectMany(e => e.Fields.Keys).Distinct(), Is.SubsetOf(new[] { "field1", "field2", "field3", "field4", "field5", "field6" }));
    }

    [Test]
    public void A_wrong_read_key_is_no_access_and_not_retried()
    {
        var error = Assert.ThrowsAsync<ThingSpeakException>(() => Client.ReadFeedAsync(TankChannel, "WRONGKEY0000", null, null, ThingSpeakClient.MaxResults, CancellationToken.None));

        Assert.That(error!.Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Rate_limiting_is_retried_then_reported_with_its_retry_after()
    {
        await _simulator.SetFaultsAsync(new FaultSettings { ChannelId = TankChannel, TooManyRequests = 1.0, RetryAfterSeconds = 1 });

        var error = Assert.ThrowsAsync<ThingSpeakException>(() => Client.ReadFeedAsync(TankChannel, TankKey, DateTimeOffset.UtcNow.AddMinutes(-10), null, ThingSpeakClient.MaxResults, CancellationToken.None));

        Assert.That(error!.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That((int)(await _simulator.ChannelStatsAsync(TankChannel))!["requests"]!, Is.EqualTo(3), "one request and two retries");
    }

    [Test]
    public async Task A_long_retry_after_is_not_waited_out_but_reported()
    {
        await _simulator.SetFaultsAsync(new FaultSettings { ChannelId = TankChannel, TooManyRequests = 1.0, RetryAfterSeconds = 60 });

        var error = Assert.ThrowsAsync<ThingSpeakException>(() => Client.ReadFeedAsync(TankChannel, TankKey, DateTimeOffset.UtcNow.AddMinutes(-10), null, ThingSpeakClient.MaxResults, CancellationToken.None));

        Assert.That(error!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(60)));
        Assert.That((int)(await _simulator.ChannelStatsAsync(TankChannel))!["requests"]!, Is.EqualTo(1), "no retry inside the poll");
    }

    [Test]
    public async Task A_malformed_response_is_a_clear_error()
    {
        await _simulator.SetFaultsAsync(new FaultSettings { ChannelId = TankChannel, MalformedJson = true });

        var error = Assert.ThrowsAsync<ThingSpeakException>(() => Client.ReadFeedAsync(TankChannel, TankKey, DateTimeOffset.UtcNow.AddMinutes(-10), null, ThingSpeakClient.MaxResults, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("malformed"));
    }
}
