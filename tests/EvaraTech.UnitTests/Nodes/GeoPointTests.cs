using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.UnitTests.Nodes;

public sealed class GeoPointTests
{
    [Test]
    public void From_returns_null_when_neither_coordinate_is_given() =>
        Assert.That(GeoPoint.From(null, null), Is.Null);

    [TestCase(90.0, -180.0)]
    [TestCase(-90.0, 180.0)]
    [TestCase(0.0, 0.0)]
    [TestCase(12.9716, 77.5946)]
    public void From_accepts_coordinates_within_range_edges_included(double lat, double lng) =>
        Assert.That(GeoPoint.From(lat, lng), Is.EqualTo(new GeoPoint(lat, lng)));

    [TestCase(91.0, 0.0)]
    [TestCase(-91.0, 0.0)]
    [TestCase(90.000001, 0.0)]
    [TestCase(double.NaN, 0.0)]
    [TestCase(double.PositiveInfinity, 0.0)]
    [TestCase(null, 10.0)]
    [TestCase(91.0, 181.0)]
    public void From_refuses_a_latitude_out_of_range_or_missing_naming_lat(double? lat, double? lng) =>
        Violation.Expect(() => GeoPoint.From(lat, lng), "INVALID_LOCATION", "lat");

    [TestCase(0.0, 181.0)]
    [TestCase(0.0, -181.0)]
    [TestCase(0.0, -180.000001)]
    [TestCase(0.0, double.NaN)]
    [TestCase(0.0, double.NegativeInfinity)]
    [TestCase(10.0, null)]
    public void From_refuses_a_longitude_out_of_range_or_missing_naming_lng(double? lat, double? lng) =>
        Violation.Expect(() => GeoPoint.From(lat, lng), "INVALID_LOCATION", "lng");
}
