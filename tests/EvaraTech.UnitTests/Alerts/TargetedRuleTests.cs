using EvaraTech.Modules.Alerts.Domain;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.UnitTests.Alerts;

public sealed class TargetedRuleTests
{
    private static readonly Guid Node = Guid.CreateVersion7();
    private static readonly Guid Community = Guid.CreateVersion7();
    private static readonly Guid Tag = Guid.CreateVersion7();
    private static readonly AlertTarget Tank = new(Node, Guid.CreateVersion7(), "EvaraTank", Community, [Tag], "OHT");
    private static readonly AlertRule Rule = new(Guid.CreateVersion7(), "Low", "water_level_percent", new AlertCondition(ComparisonOperator.LessThan, 20),
        TimeSpan.Zero, AlertSeverity.Critical);

    [Test]
    public void A_node_rule_applies_to_its_node_only()
    {
        Assert.That(new TargetedRule(Rule, Node, null, null, null).AppliesTo(Tank), Is.True);
        Assert.That(new TargetedRule(Rule, Guid.CreateVersion7(), null, null, null).AppliesTo(Tank), Is.False);
    }

    [Test]
    public void A_selector_applies_when_every_given_part_matches()
    {
        Assert.That(new TargetedRule(Rule, null, Tag, Community, "EvaraTank").AppliesTo(Tank), Is.True);
        Assert.That(new TargetedRule(Rule, null, null, null, "EvaraTank").AppliesTo(Tank), Is.True);
        Assert.That(new TargetedRule(Rule, null, Tag, null, "EvaraFlow").AppliesTo(Tank), Is.False);
        Assert.That(new TargetedRule(Rule, null, Guid.CreateVersion7(), null, null).AppliesTo(Tank), Is.False);
        Assert.That(new TargetedRule(Rule, null, null, Guid.CreateVersion7(), null).AppliesTo(Tank), Is.False);
    }

    [Test]
    public void The_message_names_the_rule_the_value_and_the_limit()
    {
        Assert.That(Rule.Message(12.5), Is.EqualTo("Low: water_level_percent 12.5 < 20"));
        Assert.That(Rule with { Condition = new AlertCondition(ComparisonOperator.OutsideBand, 10, 90) } is var band ? band.Message(95) : null,
            Is.EqualTo("Low: water_level_percent 95 outside 10..90"));
    }
}
