using System.Text.Json;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using MQTTnet.Server;
using StackExchange.Redis;

namespace EvaraTech.Modules.Telemetry.Mqtt;

/// <summary>One message for the channels' subscribers: a topic and its payload.</summary>
public sealed record FeedMessage(string Topic, string Payload);

/// <summary>
/// Delivers feed messages to the subscribers of every instance: through Redis when the platform has it (each
/// instance hands what it hears to its own broker), else to this instance's broker alone.
/// </summary>
public sealed class MqttFeedFanOut(MqttServer server, IServiceProvider services, ILogger<MqttFeedFanOut> logger) : IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("evaratech:mqtt:feed");
    private readonly IConnectionMultiplexer? _redis = services.GetService<IConnectionMultiplexer>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_redis is not null)
        {
            await _redis.GetSubscriber().SubscribeAsync(Channel, (from, value) =>
            {
                if (JsonSerializer.Deserialize<List<FeedMessage>>(value.ToString()) is { } messages)
                {
                    _ = InjectAsync(messages);
                }
            });
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _redis is null ? Task.CompletedTask : _redis.GetSubscriber().UnsubscribeAsync(Channel);

    public async Task PublishAsync(IReadOnlyList<FeedMessage> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }

        if (_redis is { IsConnected: true })
        {
            await _redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(messages));
            return;
        }

        await InjectAsync(messages);
    }

    private async Task InjectAsync(IReadOnlyList<FeedMessage> messages)
    {
        if (!server.IsStarted)
        {
            // Starting or stopping: there is nobody to tell.
            return;
        }

        try
        {
            foreach (var message in messages)
            {
                await server.InjectApplicationMessage(new InjectedMqttApplicationMessage(
                    new MqttApplicationMessageBuilder().WithTopic(message.Topic).WithPayload(message.Payload).Build()));
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Stored readings could not be handed to the MQTT subscribers");
        }
    }
}
