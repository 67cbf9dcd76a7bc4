using EvaraTech.Modules.Nodes.PlantedViolation;
using EvaraTech.Simulator.PlantedViolation;

namespace EvaraTech.ArchitectureTests;

/// <summary>Each rule, run on a planted violation, must report it: a rule that cannot fail guards nothing.</summary>
public sealed class RuleSelfTests
{
    [Test]
    public void The_module_rule_reports_a_module_reaching_into_another()
    {
        var all = Layers.Modules.Select(Layers.ModuleNamespace).ToArray();

        var failing = ArchitectureRules.ForeignModuleDependencies(
            typeof(RuleSelfTests).Assembly, typeof(NodesTypeUsingTenancy).Namespace, "EvaraTech.Modules.Nodes", all);

        Assert.That(failing, Does.Contain(typeof(NodesTypeUsingTenancy).FullName));
    }

    [Test]
    public void The_framework_rule_reports_a_database_dependency()
    {
        var failing = ArchitectureRules.TypesDependingOn(typeof(RuleSelfTests).Assembly, typeof(DomainTypeUsingNpgsql).Namespace, Layers.Frameworks);

        Assert.That(failing, Does.Contain(typeof(DomainTypeUsingNpgsql).FullName));
    }

    [Test]
    public void The_reference_rule_reports_a_referenced_assembly()
    {
        var failing = ArchitectureRules.ReferencedAssembliesStartingWith(typeof(RuleSelfTests).Assembly, "EvaraTech.Modules.Tenancy");

        Assert.That(failing, Is.EquivalentTo(new[] { "EvaraTech.Modules.Tenancy" }));
    }

    [Test]
    public void The_outside_platform_rule_reports_a_simulator_type_using_a_module()
    {
        var failing = ArchitectureRules.TypesDependingOn(typeof(RuleSelfTests).Assembly, typeof(SimulatorTypeUsingNodes).Namespace, Layers.Platform);

        Assert.That(failing, Does.Contain(typeof(SimulatorTypeUsingNodes).FullName));
    }

    [Test]
    public void The_outside_platform_rule_reports_a_referenced_platform_assembly()
    {
        var failing = ArchitectureRules.ReferencedAssembliesStartingWith(typeof(RuleSelfTests).Assembly, Layers.Platform);

        Assert.That(failing, Does.Contain("EvaraTech.Modules.Nodes").And.Contain("EvaraTech.Api"));
    }
}
