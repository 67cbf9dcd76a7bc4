using System.Text.Json.Serialization;
using EvaraTech.Api.Errors;
using EvaraTech.Api.OpenApi;
using EvaraTech.Api.Realtime;
using EvaraTech.Application.Behaviours;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Alerts;
using EvaraTech.Modules.Audit;
using EvaraTech.Modules.Nodes;
using EvaraTech.Modules.Reporting;
using EvaraTech.Modules.Telemetry;
using EvaraTech.Modules.Tenancy;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace EvaraTech.Api.Hosting;

/// <summary>The host's services: mediator over every module, the modules themselves, JSON, errors, OpenAPI, SignalR.</summary>
public static class ApiRegistration
{
    /// <summary>One type from every module assembly (validators are discovered in these).</summary>
    public static readonly Type[] ModuleMarkers =
    [
        typeof(TenancyModule), typeof(NodesModule), typeof(TelemetryModule), typeof(AlertsModule), typeof(ReportingModule), typeof(AuditModule),
    ];

    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddMediator(options =>
        {
            // Scoped: behaviours and handlers take the request's unit of work.
            options.ServiceLifetime = ServiceLifetime.Scoped;
            // Read by the source generator at compile time, so the list is literal. List a module here once it has
            // messages (the generator refuses one without); a test checks that every message has a handler.
            options.Assemblies =
            [
                typeof(TenancyModule), typeof(NodesModule), typeof(TelemetryModule), typeof(AlertsModule), typeof(ReportingModule), typeof(AuditModule),
            ];
            // Outermost first: refuse the caller, then the input, before a transaction is opened; audit inside it.
            options.PipelineBehaviors =
            [
                typeof(AuthorizationBehaviour<,>), typeof(ValidationBehaviour<,>), typeof(UnitOfWorkBehaviour<,>), typeof(AuditBehaviour<,>),
            ];
        });
        // Validators are stateless: built once, since building one compiles its rules' expressions.
        services.AddValidatorsFromAssemblies(ModuleMarkers.Select(t => t.Assembly), ServiceLifetime.Singleton, includeInternalTypes: true);

        services.AddTenancyModule(builder.Configuration);
        services.AddNodesModule(builder.Configuration);
        services.AddTelemetryModule(builder.Configuration);
        services.AddAlertsModule(builder.Configuration);
        services.AddReportingModule(builder.Configuration);
        services.AddAuditModule(builder.Configuration);

        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            // Numbers are numbers both ways: the web default also reads them from strings, which the OpenAPI document
            // (and the client generated from it) would then have to type as "number or string".
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<EnvelopeExceptionHandler>();
        services.AddProblemDetails();
        services.Configure<ConsoleOptions>(builder.Configuration.GetSection(ConsoleOptions.Section));
        services.AddOpenApi(o => o.AddSchemaTransformer<OpenDictionaryValues>());

        var signalR = services.AddSignalR().AddMessagePackProtocol();
        services.Configure<RealtimeOptions>(builder.Configuration.GetSection(RealtimeOptions.Section));
        services.AddSingleton<RealtimeBroadcaster>();
        services.AddHostedService(provider => provider.GetRequiredService<RealtimeBroadcaster>());
        services.AddIntegrationEventHandler<BroadcastIntegrationEvents>();
        if (ConnectionStrings.Redis(builder.Configuration) is { } redis)
        {
            signalR.AddStackExchangeRedis(redis, o =>
            {
                o.Configuration.ChannelPrefix = RedisChannel.Literal("evaratech");
                o.Configuration.AbortOnConnectFail = false;
            });
            services.AddSingleton<RedisHubLifetimeManager<RealtimeHub>>();
            services.AddSingleton<DefaultHubLifetimeManager<RealtimeHub>>();
            services.AddSingleton<HubLifetimeManager<RealtimeHub>, FallbackHubLifetimeManager>();
        }

        return builder;
    }
}
