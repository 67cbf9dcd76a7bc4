using EvaraTech.Application.Behaviours;

namespace EvaraTech.UnitTests.Application;

public sealed class FieldNamesTests
{
    [TestCase("Email", "email")]
    [TestCase("Items[0].NodeKey", "items[0].nodeKey")]
    [TestCase("radius_m", "radius_m")]
    [TestCase("", "")]
    public void Property_paths_become_the_names_clients_send(string path, string expected) =>
        Assert.That(FieldNames.ToCamelCasePath(path), Is.EqualTo(expected));
}
