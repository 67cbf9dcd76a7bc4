using EvaraTech.Modules.Alerts.PlantedViolation;
using EvaraTech.Modules.Alerts.PlantedViolation.Application.Crowded;
using EvaraTech.Modules.Nodes.PlantedViolation;
using EvaraTech.Modules.Reporting.PlantedViolation;
using EvaraTech.Simulator.PlantedViolation;

namespace EvaraTech.ArchitectureTests;

/// <summary>Each rule, run on a planted violation, must report it: a rule that cannot fail guards nothing.</summary>
public sealed class RuleSelfTests
{
    [Test]
    public void The_module_rule_reports_a_module_reaching_into_another()
    {
        var failing = ArchitectureRules.ForeignModuleDependencies(
            typeof(RuleSelfTests).Assembly, typeof(NodesTypeUsingTenancy).Namespace, "EvaraTech.Modules.Nodes", Layers.Modules);

        Assert.That(failing, Does.Contain(typeof(NodesTypeUsingTenancy).FullName));
    }

    [Test]
    public void The_module_rule_lets_a_module_use_another_modules_contracts()
    {
        var failing = ArchitectureRules.ForeignModuleDependencies(
            typeof(RuleSelfTests).Assembly, typeof(ReportingTypePollingChannels).Namespace, "EvaraTech.Modules.Reporting", Layers.Modules);

        Assert.That(failing, Is.Empty);
    }

    [Test]
    public void The_contract_rule_reports_a_contract_not_published_to_the_module()
    {
        var failing = ArchitectureRules.UndeclaredContractUses(
            typeof(RuleSelfTests).Assembly, typeof(ReportingTypePollingChannels).Namespace, "Reporting");

        Assert.That(failing, Does.Contain(typeof(ReportingTypePollingChannels).FullName));
    }

    [Test]
    public void The_framework_rule_reports_a_database_dependency()
    {
        var failing = ArchitectureRules.TypesDependingOn(typeof(RuleSelfTests).Assembly, typeof(DomainTypeUsingNpgsql).Namespace, Layers.Frameworks);

        Assert.That(failing, Does.Contain(typeof(DomainTypeUsingNpgsql).FullName));
    }

    [Test]
    public void The_reference_rules_report_a_referenced_assembly()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ArchitectureRules.ReferencedAssembliesStartingWith(typeof(RuleSelfTests).Assembly, "EvaraTech.Modules.Tenancy"),
                Does.Contain("EvaraTech.Modules.Tenancy"));
            Assert.That(ArchitectureRules.ReferencedAssembliesNamed(typeof(RuleSelfTests).Assembly, ["EvaraTech.Modules.Tenancy", "EvaraTech.Modules.Absent"]),
                Is.EquivalentTo(new[] { "EvaraTech.Modules.Tenancy" }));
        });
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

    [Test]
    public void The_use_case_rule_reports_a_folder_with_two_messages_and_a_message_in_no_folder()
    {
        var failing = ArchitectureRules.UseCaseFolderViolations(typeof(RuleSelfTests).Assembly, "EvaraTech.Modules.Alerts.PlantedViolation");

        Assert.That(failing, Is.EquivalentTo(new[]
        {
            typeof(LooseQuery).FullName, typeof(FirstOfTwoQuery).Namespace,
        }));
    }
}
