using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace EvaraTech.Modules.Alerts.Domain;

/// <summary>
/// A channel as the client writes it: <c>webhook</c> (url, secret), <c>email</c> (address; the user's own when left
/// out) or <c>sms</c> (number, E.164).
/// </summary>
public sealed record ChannelInput(string? Type, string? Url, string? Secret, string? Address, string? Number = null);

/// <summary>Where a notification goes.</summary>
public abstract record NotificationChannel(string Type);

/// <summary>An HTTPS endpoint that receives signed JSON; the secret signs every delivery.</summary>
public sealed record WebhookChannel(string Url, string Secret) : NotificationChannel(WebhookChannel.Kind)
{
    public const string Kind = "webhook";
}

/// <summary>An email address; null sends to the user's own.</summary>
public sealed record EmailChannel(string? Address) : NotificationChannel(EmailChannel.Kind)
{
    public const string Kind = "email";
}

/// <summary>A phone number in E.164 form (<c>+919876543210</c>), texted through the configured SMS gateway.</summary>
public sealed record SmsChannel(string Number) : NotificationChannel(SmsChannel.Kind)
{
    public const string Kind = "sms";
}

/// <summary>
/// A user's rule for being told of alerts (a row of alerts.alert_notification_rules): alerts at or above a severity, of
/// some nodes or all they see, on one or more channels, repeated while open and unacknowledged.
/// </summary>
public static partial class NotificationRule
{
    public const int MaxChannels = 5;
    public const int MinSecretLength = 16;

    /// <summary>Validates the channels; http:// webhooks only where <paramref name="allowHttp"/> (development and tests).</summary>
    public static IReadOnlyList<NotificationChannel> Channels(IReadOnlyList<ChannelInput>? inputs, bool allowHttp)
    {
        if (inputs is not { Count: > 0 and <= MaxChannels })
        {
            throw Invalid($"channels holds 1 to {MaxChannels} channels.", "channels");
        }

        return [.. inputs.Select((input, i) => Channel(input, allowHttp, $"channels[{i}]"))];
    }

    private static NotificationChannel Channel(ChannelInput input, bool allowHttp, string path) => input.Type switch
    {
        WebhookChannel.Kind => new WebhookChannel(WebhookUrl(input.Url, allowHttp, $"{path}.url"), Secret(input.Secret, $"{path}.secret")),
        EmailChannel.Kind => new EmailChannel(Address(input.Address, $"{path}.address")),
        SmsChannel.Kind => new SmsChannel(Number(input.Number, $"{path}.number")),
        _ => throw Invalid("type is webhook, email or sms.", $"{path}.type"),
    };

    private static string Number(string? number, string field) =>
        number is not null && E164().IsMatch(number)
            ? number
            : throw Invalid("number is a phone number in E.164 form: +, the country code, then the number, 8 to 15 digits in all (+919876543210).", field);

    // \z, not $: $ would let a trailing newline through.
    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}\z")]
    private static partial Regex E164();

    private static string WebhookUrl(string? url, bool allowHttp, string field) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (allowHttp && uri.Scheme == Uri.UriSchemeHttp))
            && url!.Length <= 2000
            ? uri.ToString()
            : throw Invalid(allowHttp ? "url is an absolute http(s) URL." : "url is an absolute https URL.", field);

    private static string Secret(string? secret, string field) =>
        secret is { Length: >= MinSecretLength and <= 200 } ? secret : throw Invalid($"secret has {MinSecretLength} to 200 characters.", field);

    private static string? Address(string? address, string field) =>
        address is null || (address.Length <= 320 && address.IndexOf('@', StringComparison.Ordinal) > 0 && !address.Any(char.IsWhiteSpace))
            ? address
            : throw Invalid("address is an email address.", field);

    private static DomainRuleViolation Invalid(string message, string field) => new("INVALID_CHANNEL", message, field);
}

/// <summary>
/// The signature every webhook delivery carries: <c>X-Evara-Signature: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 of
/// <c>"{timestamp}.{body}"</c> under the channel's secret, with the Unix timestamp in <c>X-Evara-Timestamp</c>. A
/// receiver recomputes it and refuses old timestamps, so a captured delivery cannot be replayed later.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Evara-Signature";
    public const string TimestampHeader = "X-Evara-Timestamp";

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }
}
