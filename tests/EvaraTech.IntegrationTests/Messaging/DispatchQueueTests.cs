using System.Diagnostics;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.Modules.Telemetry.Contracts;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Messaging;

/// <summary>Handlers run off the publisher's stack: a device push answers once its readings are committed.</summary>
public sealed class DispatchQueueTests : TenantWorldTest
{
    private sealed class SlowHandler : IIntegrationEventHandler<TelemetryBatchRecorded>
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task HandleAsync(TelemetryBatchRecorded integrationEvent, CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            Done.TrySetResult();
        }
    }

    [Test]
    public async Task A_handler_that_takes_five_seconds_does_not_hold_up_the_device_push_that_published_its_event()
    {
        var slow = new SlowHandler();
        await using var api = Platform.Api.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
            services.AddSingleton<IIntegrationEventHandler<TelemetryBatchRecorded>>(slow)));
        await NodeBuilder.OfDistributor(World.Distributor1).Named("slow-push", "Slow push").WithState().WithTank(300)
            .WithChannel(4_500_001, writeKey: "SLOWPUSHKEY00001").WithMapping("field1", "water_level_cm").InsertAsync(Database);
        using var client = api.CreateClient();

        var clock = Stopwatch.StartNew();
        var answer = await client.GetStringAsync("/update?api_key=SLOWPUSHKEY00001&field1=120");
        var answeredAfter = clock.Elapsed;
        await slow.Done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await api.HandledAsync();

        Assert.Multiple(() =>
        {
            Assert.That(answer, Is.Not.EqualTo("0"), "the reading was stored");
            Assert.That(answeredAfter, Is.LessThan(TimeSpan.FromSeconds(2)), "the push did not wait for the 5 s handler");
        });
        Assert.That(await Database.ScalarAsync<long>(
            "SELECT count(*) FROM integration.outbox WHERE event_type = 'TelemetryBatchRecorded' AND dispatched_at IS NULL"), Is.Zero,
            "every handler of the event, the slow one included, was delivered");
    }
}
