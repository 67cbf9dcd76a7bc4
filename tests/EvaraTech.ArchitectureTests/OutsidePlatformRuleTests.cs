using System.Reflection;

namespace EvaraTech.ArchitectureTests;

/// <summary>
/// A stand-in for an outside system that compiled against the platform would drift with it instead of holding it to
/// the outside contract; shared test data built from the platform's code would agree with that code by construction.
/// </summary>
public sealed class OutsidePlatformRuleTests
{
    [TestCaseSource(nameof(OutsideAssemblies))]
    public void Knows_no_platform_assembly(Assembly assembly)
    {
        Assert.Multiple(() =>
        {
            Assert.That(ArchitectureRules.TypesDependingOn(assembly, null, Layers.Platform), Is.Empty);
            Assert.That(ArchitectureRules.ReferencedAssembliesStartingWith(assembly, Layers.Platform), Is.Empty);
        });
    }

    private static IEnumerable<Assembly> OutsideAssemblies() => Layers.OutsidePlatform;
}
