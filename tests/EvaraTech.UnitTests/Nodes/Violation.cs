using EvaraTech.Domain;

namespace EvaraTech.UnitTests.Nodes;

/// <summary>Asserts that a domain operation is refused with a given code, naming a given field (the API's 422 names it).</summary>
internal static class Violation
{
    public static DomainRuleViolation Expect(Action action, string code, string? field)
    {
        var violation = Assert.Throws<DomainRuleViolation>(action)!;
        Assert.Multiple(() =>
        {
            Assert.That(violation.Code, Is.EqualTo(code), "code");
            Assert.That(violation.Field, Is.EqualTo(field), "field");
        });
        return violation;
    }
}
