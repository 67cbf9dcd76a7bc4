using System.Net;
using System.Security.Cryptography;
using System.Text;
using EvaraTech.Domain;
using EvaraTech.Modules.Alerts.Domain;
using EvaraTech.Modules.Alerts.Notifications;

namespace EvaraTech.UnitTests.Alerts;

public sealed class NotificationRuleTests
{
    [TestCase("critical", "critical", true)]
    [TestCase("critical", "info", true)]
    [TestCase("warning", "critical", false)]
    [TestCase("info", "warning", false)]
    [TestCase("warning", "warning", true)]
    public void A_severity_reaches_its_minimum_and_below(string severity, string minimum, bool reaches) =>
        Assert.That(Severities.Reaches(severity, minimum), Is.EqualTo(reaches));

    [Test]
    public void Valid_channels_are_kept_in_order()
    {
        var channels = NotificationRule.Channels(
            [new ChannelInput("webhook", "https://hooks.example.com/evara", "0123456789abcdef", null), new ChannelInput("email", null, null, null),
             new ChannelInput("sms", null, null, null, "+919876543210")], allowHttp: false);

        Assert.That(channels, Is.EqualTo(new NotificationChannel[]
        {
            new WebhookChannel("https://hooks.example.com/evara", "0123456789abcdef"), new EmailChannel(null), new SmsChannel("+919876543210"),
        }));
    }

    [TestCase("webhook", "http://hooks.example.com/x", "0123456789abcdef", null, "channels[0].url")]
    [TestCase("webhook", "not a url", "0123456789abcdef", null, "channels[0].url")]
    [TestCase("webhook", "https://hooks.example.com/x", "short", null, "channels[0].secret")]
    [TestCase("email", null, null, "no-at-sign", "channels[0].address")]
    [TestCase("pager", null, null, null, "channels[0].type")]
    public void Invalid_channels_name_the_offending_field(string type, string? url, string? secret, string? address, string field)
    {
        var refused = Assert.Throws<DomainRuleViolation>(() => NotificationRule.Channels([new ChannelInput(type, url, secret, address)], allowHttp: false));

        Assert.That(refused!.Field, Is.EqualTo(field));
    }

    [TestCase(null)]
    [TestCase("9876543210")]
    [TestCase("+09876543210")]
    [TestCase("+91 98765 43210")]
    [TestCase("+91-9876543210")]
    [TestCase("+1234567")]
    [TestCase("+1234567890123456")]
    [TestCase("+919876543210\n")]
    public void An_sms_number_not_in_e164_form_is_refused_on_its_field(string? number)
    {
        var refused = Assert.Throws<DomainRuleViolation>(() => NotificationRule.Channels([new ChannelInput("sms", null, null, null, number)], allowHttp: false));

        Assert.That(refused!.Field, Is.EqualTo("channels[0].number"));
        Assert.That(refused.Message, Does.Contain("E.164"));
    }

    [TestCase("+12025550123")]
    [TestCase("+9779812345678")]
    [TestCase("+447911123456")]
    public void An_sms_number_in_e164_form_is_kept(string number) =>
        Assert.That(NotificationRule.Channels([new ChannelInput("sms", null, null, null, number)], allowHttp: false), Is.EqualTo(new[] { new SmsChannel(number) }));

    [Test]
    public void Http_webhooks_are_accepted_only_where_allowed() =>
        Assert.That(NotificationRule.Channels([new ChannelInput("webhook", "http://127.0.0.1:5000/hook", "0123456789abcdef", null)], allowHttp: true),
            Has.Count.EqualTo(1));

    [Test]
    public void No_channel_or_too_many_are_refused()
    {
        Assert.That(Assert.Throws<DomainRuleViolation>(() => NotificationRule.Channels([], allowHttp: false))!.Field, Is.EqualTo("channels"));
        Assert.That(Assert.Throws<DomainRuleViolation>(() =>
            NotificationRule.Channels([.. Enumerable.Repeat(new ChannelInput("email", null, null, null), 6)], allowHttp: false))!.Field, Is.EqualTo("channels"));
    }

    [Test]
    public void The_signature_is_the_hmac_of_timestamp_dot_body_under_the_secret()
    {
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData("s3cret-s3cret-s3cret"u8.ToArray(), Encoding.UTF8.GetBytes("1700000000.{\"a\":1}")));

        Assert.That(WebhookSignature.Sign("s3cret-s3cret-s3cret", 1700000000, "{\"a\":1}"), Is.EqualTo("sha256=" + expected));
        Assert.That(WebhookSignature.Sign("s3cret-s3cret-s3cret", 1700000001, "{\"a\":1}"), Is.Not.EqualTo("sha256=" + expected), "the timestamp is signed");
    }
}

public sealed class WebhookAddressTests
{
    [TestCase("127.0.0.1", true)]
    [TestCase("10.1.2.3", true)]
    [TestCase("172.20.0.5", true)]
    [TestCase("192.168.1.10", true)]
    [TestCase("169.254.169.254", true)]
    [TestCase("100.64.0.1", true)]
    [TestCase("0.0.0.0", true)]
    [TestCase("::1", true)]
    [TestCase("fe80::1", true)]
    [TestCase("fd00::1", true)]
    [TestCase("::ffff:10.0.0.1", true)]
    [TestCase("::127.0.0.1", true)]
    [TestCase("::ffff:127.0.0.1", true)]
    [TestCase("64:ff9b::7f00:1", true)]
    [TestCase("2002:7f00:1::", true)]
    [TestCase("2002:a9fe:a9fe::1", true)]
    [TestCase("0.1.2.3", true)]
    [TestCase("224.0.0.1", true)]
    [TestCase("239.255.255.250", true)]
    [TestCase("255.255.255.255", true)]
    [TestCase("ff02::1", true)]
    [TestCase("8.8.8.8", false)]
    [TestCase("172.32.0.1", false)]
    [TestCase("2606:4700:4700::1111", false)]
    [TestCase("64:ff9b::808:808", false)]
    public void Loopback_private_link_local_multicast_and_embedded_inward_addresses_are_inward(string address, bool inward) =>
        Assert.That(WebhookAddresses.IsInward(IPAddress.Parse(address)), Is.EqualTo(inward));

    /// <summary>This host's own public address reaches its own services as surely as loopback does.</summary>
    [Test]
    public void The_hosts_own_interface_addresses_are_inward()
    {
        var own = WebhookAddresses.OwnAddresses();
        var public8 = IPAddress.Parse("8.8.8.8");

        Assert.That(own, Is.Not.Empty);
        Assert.That(own.All(a => WebhookAddresses.IsInward(a)), Is.True);
        Assert.That(WebhookAddresses.IsInward(public8, new HashSet<IPAddress> { public8 }), Is.True, "an address the host has is refused even when public");
        Assert.That(WebhookAddresses.IsInward(public8, new HashSet<IPAddress>()), Is.False);
    }
}
