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

    /// <summary>Types of a module that reach into another module (anything under EvaraTech.Modules but its own namespace).</summary>
    public static IReadOnlyList<string> ForeignModuleDependencies(
        Assembly assembly, string? inNamespace, string ownNamespace, IEnumerable<string> allModuleNamespaces) =>
        TypesDependingOn(assembly, inNamespace, [.. allModuleNamespaces.Where(n => n != ownNamespace)]);

    /// <summary>Assembly references catch what type scans cannot (a reference added but not used yet).</summary>
    public static IReadOnlyList<string> ReferencedAssembliesStartingWith(Assembly assembly, params string[] prefixes) =>
        [.. assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => prefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)))];
}
