using EvaraTech.Simulator.Channels;
using EvaraTech.Simulator.Endpoints;
using EvaraTech.Simulator.Faults;
using EvaraTech.Simulator.Mqtt;
using EvaraTech.Simulator.Signals;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Options;

namespace EvaraTech.Simulator;

/// <summary>Builds the simulator's web application; tests start it in-process on a free port.</summary>
public static class SimulatorHost
{
    // Short switches for the settings one changes by hand; anything else as --Simulator:Key=value.
    private static readonly Dictionary<string, string> Switches = new()
    {
        ["--channels"] = $"{SimulatorOptions.Section}:{nameof(SimulatorOptions.ExtraChannels)}",
        ["--interval"] = $"{SimulatorOptions.Section}:{nameof(SimulatorOptions.IntervalSeconds)}",
        ["--history-days"] = $"{SimulatorOptions.Section}:{nameof(SimulatorOptions.HistoryDays)}",
        ["--mqtt"] = $"{SimulatorOptions.Section}:{nameof(SimulatorOptions.MqttUrl)}",
        ["--mqtt-password"] = $"{SimulatorOptions.Section}:{nameof(SimulatorOptions.MqttPassword)}",
        ["--admin-token"] = $"{SimulatorOptions.Section}:{nameof(SimulatorOptions.AdminToken)}",
        ["--latency"] = $"{SimulatorOptions.Section}:{nameof(SimulatorOptions.Faults)}:0:{nameof(FaultSettings.LatencyMs)}",
        ["--error-rate"] = $"{SimulatorOptions.Section}:{nameof(SimulatorOptions.Faults)}:0:{nameof(FaultSettings.ErrorRate)}",
    };

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        // Settings come from the command line and the environment only: in the integration tests' output folder the
        // API's appsettings.json sits next to the simulator and is not meant for it.
        foreach (var file in builder.Configuration.Sources.OfType<JsonConfigurationSource>().ToList())
        {
            builder.Configuration.Sources.Remove(file);
        }

        builder.Configuration.AddCommandLine(args, Switches);

        // Per-request logs would swamp a load test of ten thousand channels.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        builder.Services.AddOptions<SimulatorOptions>()
            .Bind(builder.Configuration.GetSection(SimulatorOptions.Section))
            .Validate(o => o.IntervalSeconds > 0 && o.HistoryDays > 0 && o.ExtraChannels >= 0, "IntervalSeconds and HistoryDays must be positive, ExtraChannels not negative.")
            .Validate(o => string.IsNullOrEmpty(o.MqttUrl) || (MqttPublisher.Broker(o.MqttUrl) is not null && !string.IsNullOrEmpty(o.MqttPassword)),
                "--mqtt takes mqtt://host:port, with --mqtt-password.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new ChannelCatalog(sp.GetRequiredService<IOptions<SimulatorOptions>>().Value.ExtraChannels));
        builder.Services.AddSingleton<FeedGenerator>();
        builder.Services.AddSingleton<FaultRegistry>();
        builder.Services.AddSingleton<RequestStats>();
        builder.Services.AddHostedService<MqttPublisher>();

        var app = builder.Build();
        app.MapFeeds();
        app.MapAdmin();
        return app;
    }
}
