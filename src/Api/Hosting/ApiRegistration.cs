using System.Text.Json.Serialization;
using EvaraTech.Api.Errors;
using EvaraTech.Api.OpenApi;
using EvaraTech.Application.Behaviours;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Alerts;
using EvaraTech.Modules.Audit;
using EvaraTech.Modules.Nodes;
using EvaraTech.Modules.Realtime;
using EvaraTech.Modules.Reporting;
using EvaraTech.Modules.Telemetry;
using EvaraTech.Modules.Tenancy;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;

namespace EvaraTech.Api.Hosting;

/// <summary>The host's services: mediator over every module, the modules themselves, JSON, errors, OpenAPI.</summary>
public static class ApiRegistration
{
    /// <summary>
    /// Every module, the one list the host reads: its services, its routes (devices and the hub on the root, the rest
    /// on the API group) and its assembly (validators, architecture rules). Add a module here and nowhere else, but for
    /// the mediator's literal list below when it has messages.
    /// </summary>
    public static readonly PlatformModule[] Modules =
    [
        new(typeof(TenancyModule), (s, c) => s.AddTenancyModule(c), (_, api) => api.MapTenancyEndpoints()),
        new(typeof(NodesModule), (s, c) => s.AddNodesModule(c), (_, api) => api.MapNodesEndpoints()),
        new(typeof(TelemetryModule), (s, c) => s.AddTelemetryModule(c), (root, api) =>
        {
            root.MapTelemetryDeviceEndpoints();
            api.MapTelemetryEndpoints();
        }),
        new(typeof(AlertsModule), (s, c) => s.AddAlertsModule(c), (_, api) => api.MapAlertsEndpoints()),
        new(typeof(ReportingModule), (s, c) => s.AddReportingModule(c), (_, api) => api.MapReportingEndpoints()),
        new(typeof(AuditModule), (s, c) => s.AddAuditModule(c), (_, api) => api.MapAuditEndpoints()),
        new(typeof(RealtimeModule), (s, c) => s.AddRealtimeModule(c), (root, _) => root.MapRealtimeEndpoints()),
    ];

    /// <summary>One type from every module assembly.</summary>
    public static IEnumerable<Type> ModuleMarkers => Modules.Select(m => m.Marker);

    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddMediator(options =>
        {
            // Scoped: behaviours and handlers take the request's unit of work.
            options.ServiceLifetime = ServiceLifetime.Scoped;
            // Read by the source generator at compile time, so it cannot be Modules: list a module here once it has
            // messages (the generator refuses one without); MediatorRegistrationTests fails for a module left out.
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

        foreach (var module in Modules)
        {
            module.AddServices(services, builder.Configuration);
        }

        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.Converters.Add(new RefuseControlCharactersConverter());
            // Numbers are numbers both ways: the web default also reads them from strings, which the OpenAPI document
            // (and the client generated from it) would then have to type as "number or string".
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<EnvelopeExceptionHandler>();
        services.AddProblemDetails();
        services.Configure<ConsoleOptions>(builder.Configuration.GetSection(ConsoleOptions.Section));
        services.AddApiDocument();

        return builder;
    }

    /// <summary>The OpenAPI document with the platform's transformers (strings, open maps, deprecated routes).</summary>
    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(o => o.AddSchemaTransformer<OpenDictionaryValues>().AddSchemaTransformer<CheckedStrings>()
            .AddOperationTransformer<DeprecatedOperations>());
}

/// <summary>A module as the host sees it: its marker type, how it adds its services and how it maps its routes.</summary>
public sealed record PlatformModule(Type Marker, Action<IServiceCollection, IConfiguration> AddServices, Action<IEndpointRouteBuilder, RouteGroupBuilder> MapEndpoints);
