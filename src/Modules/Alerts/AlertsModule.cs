using EvaraTech.Infrastructure.Http;
using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Alerts.Application;
using EvaraTech.Modules.Alerts.Application.EvaluateTelemetryBatch;
using EvaraTech.Modules.Alerts.Application.QueueNotifications;
using EvaraTech.Modules.Alerts.Application.TrackDowntime;
using EvaraTech.Modules.Alerts.Contracts;
using EvaraTech.Modules.Alerts.Endpoints;
using EvaraTech.Modules.Alerts.Notifications;
using EvaraTech.Modules.Alerts.Persistence;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Alerts;

/// <summary>
/// The Alerts module's entry point: the only type of this assembly the host references. Rules and their evaluation
/// of every stored batch, the alert lifecycle, downtime and uptime, notifications and their delivery.
/// </summary>
public static class AlertsModule
{
    public const string Schema = "alerts";

    public static IServiceCollection AddAlertsModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIntegrationEventContracts(typeof(AlertRaised).Assembly);
        services.AddScoped<AlertLifecycle>();
        services.AddSingleton<AlertRulesCache>();
        services.AddScoped<RuleStates>();
        services.AddScoped<AlertHistory>();
        services.AddScoped<AlertsOnNode>();
        services.AddScoped<RuleTargets>();
        services.AddScoped(provider => new ScopedTable<AlertRuleDto>(provider.GetRequiredService<DbSession>(), AlertRuleTable.Spec));
        services.AddIntegrationEventHandler<EvaluateTelemetryBatchHandler>();

        services.AddScoped<DowntimeRecords>();
        services.AddScoped<Application.UptimeReport>();
        services.AddIntegrationEventHandler<TrackDowntimeHandler>();

        services.Configure<NotificationOptions>(configuration.GetSection(NotificationOptions.Section));
        services.AddScoped<NotificationRuleStore>();
        services.AddScoped<NotificationRuleValues>();
        services.AddScoped<NotificationDeliveries>();
        services.AddIntegrationEventHandler<QueueAlertNotificationsHandler>();
        // Webhook deliveries retry on their own schedule (the delivery job), so the client itself does not; it follows
        // no redirect and connects to no private address, so a user's URL cannot reach the platform's own network.
        services.AddHttpClient(NotificationSender.WebhookClient).ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = WebhookAddresses.Connect(() => provider.GetRequiredService<IOptions<NotificationOptions>>().Value.AllowPrivateNetworkWebhooks),
        });
        services.AddHttpClient(NotificationSender.SmsClient, client => client.DefaultRequestHeaders.UserAgent.ParseAdd("EvaraTech-Alerts/1.0"))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<NotificationSender>();
        services.AddTransient<NotificationDelivery>();
        services.AddRecurringJob<NotificationRepeats>();

        // A backtest reads up to a month of raw readings per node, a test send calls out to receivers: a few a minute per user.
        services.AddPerUserRateLimit(AlertEndpoints.BacktestRateLimit, configuration.GetValue("Alerts:BacktestsPerUserPerMinute", 10));
        services.AddPerUserRateLimit(NotificationEndpoints.TestRateLimit, configuration.GetValue("Alerts:NotificationTestsPerUserPerMinute", 5));
        return services;
    }

    public static IEndpointRouteBuilder MapAlertsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAlertEndpoints();
        endpoints.MapNotificationEndpoints();
        endpoints.MapUptimeEndpoints();
        return endpoints;
    }
}
