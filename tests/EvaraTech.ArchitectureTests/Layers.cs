using System.Reflection;
using EvaraTech.Api.Hosting;
using EvaraTech.Application.Behaviours;
using EvaraTech.Demo;
using EvaraTech.Domain;
using EvaraTech.Infrastructure;
using EvaraTech.Simulator.Channels;
using EvaraTech.TestSupport;

namespace EvaraTech.ArchitectureTests;

/// <summary>The assemblies and namespaces the rules speak about.</summary>
internal static class Layers
{
    public static readonly Assembly Domain = typeof(AggregateRoot<>).Assembly;
    public static readonly Assembly Application = typeof(ValidationBehaviour<,>).Assembly;
    public static readonly Assembly Infrastructure = typeof(InfrastructureRegistration).Assembly;
    public static readonly Assembly Api = typeof(ApiPipeline).Assembly;
    public static readonly Assembly[] Modules = [.. ApiRegistration.ModuleMarkers.Select(t => t.Assembly)];

    public const string ModulesNamespace = "EvaraTech.Modules";

    /// <summary>The platform's assemblies and namespaces: shared kernel, layers, API and every module.</summary>
    public static readonly string[] Platform =
        ["EvaraTech.Domain", "EvaraTech.Application", "EvaraTech.Infrastructure", "EvaraTech.Api", ModulesNamespace];

    /// <summary>
    /// Assemblies outside the platform: the ThingSpeak simulator (a stand-in for an outside system), the demo
    /// catalogue it serves, and the data sets the tests and benchmarks share.
    /// </summary>
    public static readonly Assembly[] OutsidePlatform =
        [typeof(ChannelCatalog).Assembly, typeof(DemoCatalogue).Assembly, typeof(NodeSeed).Assembly];

    public static string ModuleNamespace(Assembly module) => module.GetName().Name!;

    /// <summary>Frameworks and libraries the shared kernel must never see.</summary>
    public static readonly string[] Frameworks =
    [
        "Microsoft.AspNetCore", "Microsoft.Extensions", "Npgsql", "Dapper", "Mediator", "FluentValidation", "Hangfire",
        "StackExchange.Redis", "OpenTelemetry", "Mapster", "System.Data",
    ];
}
