using EvaraTech.Modules.Alerts.Domain;

namespace EvaraTech.UnitTests.Alerts;

public sealed class NodeFilterTests
{
    private static readonly Guid Node = Guid.CreateVersion7();
    private static readonly Guid Community = Guid.CreateVersion7();
    private static readonly Guid Tag = Guid.CreateVersion7();

    [Test]
    public void No_criterion_is_every_node() =>
        Assert.That(new NodeFilter().Covers(Node, "OHT", null, []), Is.True);

    [Test]
    public void Every_criterion_given_must_hold_by_any_of_its_values()
    {
        var filter = new NodeFilter(Categories: ["Sump", "OHT"], CommunityIds: [Community], TagIds: [Guid.CreateVersion7(), Tag]);

        Assert.Multiple(() =>
        {
            Assert.That(filter.Covers(Node, "OHT", Community, [Tag]), Is.True);
            Assert.That(filter.Covers(Node, "Borewell", Community, [Tag]), Is.False, "category");
            Assert.That(filter.Covers(Node, "OHT", Guid.CreateVersion7(), [Tag]), Is.False, "community");
            Assert.That(filter.Covers(Node, "OHT", null, [Tag]), Is.False, "no community is not a listed one");
            Assert.That(filter.Covers(Node, "OHT", Community, []), Is.False, "tag");
            Assert.That(new NodeFilter(NodeIds: [Guid.CreateVersion7()]).Covers(Node, "OHT", null, []), Is.False, "node");
        });
    }
}
