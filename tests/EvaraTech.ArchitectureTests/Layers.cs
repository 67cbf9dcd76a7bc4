using System.Reflection;
using EvaraTech.Api.Hosting;
using EvaraTech.Application.Behaviours;
using EvaraTech.Domain;
using EvaraTech.Infrastructure;

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

    public static string ModuleNamespace(Assembly module) => module.GetName().Name!;

    /// <summary>Frameworks and libraries the shared kernel must never see.</summary>
    public static readonly string[] Frameworks =
    [
        "Microsoft.AspNetCore", "Microsoft.Extensions", "Npgsql", "Dapper", "Mediator", "FluentValidation", "Hangfire",
        "StackExchange.Redis", "OpenTelemetry", "Mapster", "System.Data",
    ];
}
