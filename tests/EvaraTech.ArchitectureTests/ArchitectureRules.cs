using System.Reflection;
using NetArchTest.Rules;

namespace EvaraTech.ArchitectureTests;

/// <summary>
/// Each rule returns the names of the types that break it (empty when it holds). The rules are functions so the
/// same code that guards the product is shown, in <see cref="RuleSelfTests"/>, to catch a planted violation.
/// </summary>
internal static class ArchitectureRules
{
    /// <summary>Types of <paramref name="assembly"/> (optionally only those under <paramref name="inNamespace"/>) that use a forbidden namespace.</summary>
    public static IReadOnlyList<string> TypesDependingOn(Assembly assembly, string? inNamespace, params string[] forbidden)
    {
        var types = Types.InAssembly(assembly);
        var rule = inNamespace is null ? types.ShouldNot() : types.That().ResideInNamespace(inNamespace).ShouldNot();
        return rule.HaveDependencyOnAny(forbidden).GetResult().FailingTypeNames?.ToList() ?? [];
    }

    /// <summary>Types of a module that reach into another module's internals (anything of it but its contracts).</summary>
    public static IReadOnlyList<string> ForeignModuleDependencies(Assembly assembly, string? inNamespace, string ownNamespace, IEnumerable<Assembly> modules) =>
        TypesDependingOn(assembly, inNamespace, [.. modules.Where(m => Layers.ModuleNamespace(m) != ownNamespace).SelectMany(Layers.Internals)]);

    /// <summary>Types of <paramref name="consumer"/>'s code that use another module's contract not published to it.</summary>
    public static IReadOnlyList<string> UndeclaredContractUses(Assembly assembly, string? inNamespace, string consumer)
    {
        string[] forbidden =
        [
            .. ContractConsumers.Declared
                .Where(c => Layers.ModuleName(c.Key.Assembly) != consumer && !c.Value.Contains(consumer))
                .Select(c => c.Key.FullName!),
        ];
        return TypesDependingOn(assembly, inNamespace, forbidden);
    }

    /// <summary>Referenced assemblies named exactly as one of <paramref name="names"/>.</summary>
    public static IReadOnlyList<string> ReferencedAssembliesNamed(Assembly assembly, IEnumerable<string> names) =>
        [.. assembly.GetReferencedAssemblies().Select(a => a.Name!).Intersect(names, StringComparer.Ordinal)];

    /// <summary>Assembly references catch what type scans cannot (a reference added but not used yet).</summary>
    public static IReadOnlyList<string> ReferencedAssembliesStartingWith(Assembly assembly, params string[] prefixes) =>
        [.. assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => prefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)))];

    /// <summary>
    /// Use-case folders (namespaces <c>….Application.&lt;UseCase&gt;</c>) of <paramref name="assembly"/> that hold more than
    /// one message, and messages that sit in no use-case folder: each use case has a folder of its own.
    /// </summary>
    public static IReadOnlyList<string> UseCaseFolderViolations(Assembly assembly, string? inNamespace)
    {
        var messages = assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(Mediator.IMessage).IsAssignableFrom(t))
            .Where(t => inNamespace is null || (t.Namespace ?? "").StartsWith(inNamespace, StringComparison.Ordinal))
            .ToList();
        var outside = messages.Where(t => UseCaseFolder(t) is null).Select(t => t.FullName!);
        var crowded = messages.Where(t => UseCaseFolder(t) is not null).GroupBy(UseCaseFolder).Where(g => g.Count() > 1).Select(g => g.Key!);
        return [.. outside, .. crowded];
    }

    /// <summary>The message's use-case folder: the namespace segment right after <c>Application</c>, when it is the last.</summary>
    private static string? UseCaseFolder(Type message)
    {
        var segments = (message.Namespace ?? "").Split('.');
        var application = Array.IndexOf(segments, "Application");
        return application >= 0 && application == segments.Length - 2 ? message.Namespace : null;
    }
}
