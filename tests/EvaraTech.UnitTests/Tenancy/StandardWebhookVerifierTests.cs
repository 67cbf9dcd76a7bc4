using static EvaraTech.Modules.Tenancy.Authentication.StandardWebhookVerifier;

namespace EvaraTech.UnitTests.Tenancy;

public sealed class StandardWebhookVerifierTests
{
    private const string Secret = "v1,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly string Timestamp = Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public void A_correct_signature_is_valid() =>
        Assert.That(Verify(Secret, "msg_1", Timestamp, Sign(Secret, "msg_1", Timestamp, "{}"), "{}", Now), Is.EqualTo(Outcome.Valid));

    [Test]
    public void One_matching_signature_among_several_is_enough() =>
        Assert.That(Verify(Secret, "msg_1", Timestamp, "v1,AAAA " + Sign(Secret, "msg_1", Timestamp, "{}"), "{}", Now), Is.EqualTo(Outcome.Valid));

    [Test]
    public void A_changed_body_breaks_the_signature() =>
        Assert.That(Verify(Secret, "msg_1", Timestamp, Sign(Secret, "msg_1", Timestamp, "{}"), "{\"a\":1}", Now), Is.EqualTo(Outcome.BadSignature));

    [Test]
    public void A_signature_for_another_delivery_id_is_refused() =>
        Assert.That(Verify(Secret, "msg_2", Timestamp, Sign(Secret, "msg_1", Timestamp, "{}"), "{}", Now), Is.EqualTo(Outcome.BadSignature));

    [TestCase(-301)]
    [TestCase(301)]
    public void Timestamps_beyond_five_minutes_either_way_are_stale(int seconds) =>
        Assert.That(Verify(Secret, "msg_1", Timestamp, Sign(Secret, "msg_1", Timestamp, "{}"), "{}", Now.AddSeconds(seconds)), Is.EqualTo(Outcome.StaleTimestamp));

    [TestCase(null, "1", "v1,x")]
    [TestCase("msg", "yesterday", "v1,x")]
    [TestCase("msg", "1", null)]
    public void Missing_or_malformed_headers_are_malformed(string? id, string? timestamp, string? signature) =>
        Assert.That(Verify(Secret, id, timestamp, signature, "{}", Now), Is.EqualTo(Outcome.Malformed));
}
