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

    /// <summary>Every module's published surface: its contracts assembly, the only part of it others may reference.</summary>
    public static readonly Assembly[] Contracts =
    [
        typeof(Modules.Nodes.Contracts.INodeLookup).Assembly, typeof(Modules.Tenancy.Contracts.ITenantDirectory).Assembly,
        typeof(Modules.Telemetry.Contracts.ITelemetryBatchReader).Assembly, typeof(Modules.Alerts.Contracts.AlertRaised).Assembly,
        typeof(Modules.Reporting.Contracts.DashboardStatsRefreshed).Assembly,
    ];
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

    /// <summary>"Nodes" for EvaraTech.Modules.Nodes and EvaraTech.Modules.Nodes.Contracts.</summary>
    public static string ModuleName(Assembly assembly) =>
        assembly.GetName().Name!["EvaraTech.Modules.".Length..].Replace(".Contracts", "", StringComparison.Ordinal);

    /// <summary>
    /// What a module's own assembly holds, as dependency prefixes: its sub-namespaces, and the full names of the types
    /// in its root namespace (the bare root would also match its contracts, which share the prefix).
    /// </summary>
    public static string[] Internals(Assembly module)
    {
        var root = ModuleNamespace(module);
        var types = module.GetTypes().Where(t => t.Namespace is not null).ToArray();
        return
        [
            .. types.Select(t => t.Namespace!).Where(n => n.StartsWith(root + ".", StringComparison.Ordinal)).Distinct(),
            .. types.Where(t => t.Namespace == root && !t.IsNested).Select(t => t.FullName!),
        ];
    }

    /// <summary>Frameworks and libraries the shared kernel must never see.</summary>
    public static readonly string[] Frameworks =
    [
        "Microsoft.AspNetCore", "Microsoft.Extensions", "Npgsql", "Dapper", "Mediator", "FluentValidation", "Hangfire",
        "StackExchange.Redis", "OpenTelemetry", "Mapster", "System.Data",
    ];
}
