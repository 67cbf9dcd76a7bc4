using EvaraTech.Infrastructure.Http;

namespace EvaraTech.UnitTests.Infrastructure;

public sealed class CsvTextTests
{
    [TestCase("=SUM(A1:A9)", "\"'=SUM(A1:A9)\"")]
    [TestCase("+1", "\"'+1\"")]
    [TestCase("-1", "\"'-1\"")]
    [TestCase("@cmd", "\"'@cmd\"")]
    [TestCase("Tank \"A\", north", "\"Tank \"\"A\"\", north\"")]
    [TestCase("", "")]
    [TestCase(null, "")]
    public void Typed_text_is_quoted_and_never_a_formula(string? value, string expected) => Assert.That(Csv.Text(value), Is.EqualTo(expected));

    [Test]
    public void A_number_the_platform_produced_keeps_its_sign() => Assert.That(Csv.Field(-1.5), Is.EqualTo("-1.5"));
}
