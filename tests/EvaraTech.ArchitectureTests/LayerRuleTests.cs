using System.Reflection;
using EvaraTech.TestSupport;

namespace EvaraTech.ArchitectureTests;

public sealed class LayerRuleTests
{
    [Test]
    public void Domain_depends_on_no_other_project_and_no_framework()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ArchitectureRules.TypesDependingOn(Layers.Domain, null,
                ["EvaraTech.Application", "EvaraTech.Infrastructure", "EvaraTech.Api", Layers.ModulesNamespace, .. Layers.Frameworks]), Is.Empty);
            Assert.That(ArchitectureRules.ReferencedAssembliesStartingWith(Layers.Domain,
                ["EvaraTech", "Microsoft.AspNetCore", "Microsoft.Extensions", "Npgsql", "Dapper", "Mediator"]), Is.Empty);
        });
    }

    [Test]
    public void Application_knows_no_infrastructure_api_module_database_or_http()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ArchitectureRules.TypesDependingOn(Layers.Application, null,
                "EvaraTech.Infrastructure", "EvaraTech.Api", Layers.ModulesNamespace, "Npgsql", "Dapper", "Microsoft.AspNetCore", "Hangfire"), Is.Empty);
            Assert.That(ArchitectureRules.ReferencedAssembliesStartingWith(Layers.Application,
                "EvaraTech.Infrastructure", "EvaraTech.Api", Layers.ModulesNamespace, "Npgsql", "Microsoft.AspNetCore"), Is.Empty);
        });
    }

    [Test]
    public void Infrastructure_does_not_know_the_api_or_any_module()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ArchitectureRules.TypesDependingOn(Layers.Infrastructure, null, "EvaraTech.Api", Layers.ModulesNamespace), Is.Empty);
            Assert.That(ArchitectureRules.ReferencedAssembliesStartingWith(Layers.Infrastructure, "EvaraTech.Api", Layers.ModulesNamespace), Is.Empty);
        });
    }

    [TestCaseSource(nameof(ModuleAssemblies))]
    public void A_module_knows_other_modules_only_by_their_contracts(Assembly module)
    {
        var own = Layers.ModuleNamespace(module);

        Assert.Multiple(() =>
        {
            Assert.That(ArchitectureRules.ForeignModuleDependencies(module, null, own, Layers.Modules), Is.Empty);
            Assert.That(ArchitectureRules.ReferencedAssembliesNamed(module, Layers.Modules.Select(Layers.ModuleNamespace).Where(n => n != own)), Is.Empty);
            Assert.That(ArchitectureRules.TypesDependingOn(module, null, "EvaraTech.Api"), Is.Empty);
        });
    }

    [TestCaseSource(nameof(ModuleAssemblies))]
    public void A_module_uses_only_the_contracts_published_to_it(Assembly module) =>
        Assert.That(ArchitectureRules.UndeclaredContractUses(module, null, Layers.ModuleName(module)), Is.Empty);

    [TestCaseSource(nameof(ModuleAssemblies))]
    public void Every_use_case_has_a_folder_of_its_own(Assembly module) =>
        Assert.That(ArchitectureRules.UseCaseFolderViolations(module, null), Is.Empty);

    [Test]
    public void Every_published_contract_says_who_may_use_it()
    {
        var published = Layers.Contracts.SelectMany(a => a.GetExportedTypes());

        Assert.That(published.Except(ContractConsumers.Declared.Keys), Is.Empty);
    }

    [TestCaseSource(nameof(ContractAssemblies))]
    public void A_contracts_assembly_holds_no_module_code(Assembly contracts) =>
        Assert.That(ArchitectureRules.ReferencedAssembliesStartingWith(contracts, "EvaraTech.Infrastructure", "EvaraTech.Api", Layers.ModulesNamespace), Is.Empty);

    [Test]
    public void Every_module_folder_is_a_registered_module()
    {
        var folders = Directory.GetDirectories(Path.Combine(Checkout.Root, "src", "Modules")).Select(Path.GetFileName);

        Assert.That(Layers.Modules.Select(m => m.GetName().Name!.Replace("EvaraTech.Modules.", "", StringComparison.Ordinal)),
            Is.EquivalentTo(folders));
    }

    [Test]
    public void Only_the_api_references_module_entry_points()
    {
        var moduleNamespaces = Layers.Modules.Select(Layers.ModuleNamespace).ToArray();
        var referencingModules = new[] { Layers.Domain, Layers.Application, Layers.Infrastructure }
            .Where(a => ArchitectureRules.ReferencedAssembliesStartingWith(a, moduleNamespaces).Count > 0)
            .Select(a => a.GetName().Name);

        Assert.Multiple(() =>
        {
            Assert.That(referencingModules, Is.Empty);
            Assert.That(ArchitectureRules.ReferencedAssembliesStartingWith(Layers.Api, moduleNamespaces), Is.EquivalentTo(moduleNamespaces));
        });
    }

    private static IEnumerable<Assembly> ModuleAssemblies() => Layers.Modules;

    private static IEnumerable<Assembly> ContractAssemblies() => Layers.Contracts;
}
