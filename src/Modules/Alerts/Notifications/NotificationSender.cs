using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EvaraTech.Modules.Alerts.Domain;
using EvaraTech.Modules.Alerts.Persistence;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace EvaraTech.Modules.Alerts.Notifications;

/// <summary>What a delivery tells: the alert, whether it is a repeat, and the delivery's own identity.</summary>
public sealed record AlertNotice(Guid DeliveryId, string IdempotencyKey, int RepeatNumber, AlertDto Alert);

/// <summary>
/// Sends one delivery on its channel. Webhooks are POSTed as JSON with an HMAC signature over timestamp and body and
/// the delivery's idempotency key (a receiver that saw the key already can drop a retry); emails go through the SMTP
/// relay with a Message-ID derived from the same key; texts go to the SMS gateway (Twilio's Messages API) with the key
/// as <c>Idempotency-Key</c>. Throws on any failure, so the job retries.
/// </summary>
public sealed class NotificationSender(IHttpClientFactory http, IOptions<NotificationOptions> options, TimeProvider clock)
{
    public const string WebhookClient = "alert-webhooks";
    public const string SmsClient = "alert-sms-gateway";
    public const string IdempotencyHeader = "Idempotency-Key";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task SendAsync(NotificationChannel channel, string recipientEmail, AlertNotice notice, CancellationToken ct) => channel switch
    {
        WebhookChannel webhook => PostAsync(webhook, notice, ct),
        EmailChannel email => MailAsync(email.Address ?? recipientEmail, notice, ct),
        SmsChannel sms => TextAsync(sms.Number, notice, ct),
        _ => throw new InvalidOperationException($"Unknown channel {channel.Type}."),
    };

    private async Task PostAsync(WebhookChannel webhook, AlertNotice notice, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new
        {
            id = notice.DeliveryId,
            idempotencyKey = notice.IdempotencyKey,
            type = notice.RepeatNumber == 0 ? "alert.triggered" : "alert.repeat",
            repeat = notice.RepeatNumber,
            alert = notice.Alert,
        }, Json);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(webhook.Secret, timestamp, body));
        request.Headers.Add(IdempotencyHeader, notice.IdempotencyKey);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("EvaraTech-Alerts", "1.0"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.WebhookTimeoutSeconds));
        using var response = await http.CreateClient(WebhookClient).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
    }

    private async Task TextAsync(string to, AlertNotice notice, CancellationToken ct)
    {
        var sms = options.Value.Sms;
        if (string.IsNullOrWhiteSpace(sms.AccountSid) || string.IsNullOrWhiteSpace(sms.AuthToken) || string.IsNullOrWhiteSpace(sms.From))
        {
            throw new InvalidOperationException("No SMS gateway is configured (Notifications:Sms:AccountSid, AuthToken and From).");
        }

        var alert = notice.Alert;
        var text = $"[{alert.Severity.ToUpperInvariant()}]{(notice.RepeatNumber > 0 ? " still open:" : "")} {alert.RuleName}: {alert.Message}";
        var url = new Uri(new Uri(sms.BaseUrl.EndsWith('/') ? sms.BaseUrl : sms.BaseUrl + "/"), $"2010-04-01/Accounts/{Uri.EscapeDataString(sms.AccountSid)}/Messages.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent([new("To", to), new("From", sms.From), new("Body", Cut(text, sms.MaxLength))]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sms.AccountSid}:{sms.AuthToken}")));
        request.Headers.Add(IdempotencyHeader, notice.IdempotencyKey);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(sms.TimeoutSeconds));
        using var response = await http.CreateClient(SmsClient).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            // The gateway's own words (Twilio: {"code": 21211, "message": "The 'To' number … is not a valid phone number."}),
            // without the account, which the rule's owner sees in the delivery log.
            var said = (await response.Content.ReadAsStringAsync(timeout.Token)).Replace(sms.AccountSid, "(account)", StringComparison.Ordinal);
            throw new HttpRequestException($"The SMS gateway answered {(int)response.StatusCode} {response.ReasonPhrase}: {Cut(said, 300)}");
        }
    }

    /// <summary>At most <paramref name="length"/> characters, never half of a surrogate pair (an emoji in a rule's name).</summary>
    private static string Cut(string text, int length) =>
        text.Length <= length ? text : text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];

    private async Task MailAsync(string to, AlertNotice notice, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            throw new InvalidOperationException("No SMTP relay is configured (Notifications:Smtp:Host).");
        }

        var alert = notice.Alert;
        var message = new MimeMessage
        {
            Subject = $"[{alert.Severity.ToUpperInvariant()}]{(notice.RepeatNumber > 0 ? " (still open)" : "")} {alert.RuleName}",
            MessageId = $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(notice.IdempotencyKey)))[..32]}@evaratech.alerts",
            Body = new TextPart("plain")
            {
                Text = $"""
                    {alert.Message}

                    Severity: {alert.Severity}
                    Node: {alert.NodeId}
                    Value: {alert.Value.ToString(CultureInfo.InvariantCulture)} ({alert.Metric})
                    Triggered: {alert.TriggeredAt:u}
                    Alert: {alert.Id}
                    """,
            },
        };
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Headers.Add(IdempotencyHeader, notice.IdempotencyKey);

        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Host, smtp.Port, Enum.Parse<SecureSocketOptions>(smtp.Security), ct);
        if (smtp.Username is { Length: > 0 })
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", ct);
        }

        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}
