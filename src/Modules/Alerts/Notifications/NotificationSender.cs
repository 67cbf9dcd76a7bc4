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

/// <summary>How a channel took a test message: delivered or not, the receiver's HTTP status (webhooks) and its answer.</summary>
public sealed record ChannelTestResult(string Type, string Target, bool Delivered, int? Status, string Answer);

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
        var (status, reason, _) = await PostSignedAsync(webhook, body, notice.IdempotencyKey, readAnswer: false, ct);
        if (status is < 200 or > 299)
        {
            throw new HttpRequestException($"The webhook answered {status} {reason}.");
        }
    }

    /// <summary>
    /// POSTs the body signed under the channel's secret; answers the receiver's status, reason and, when asked (a test),
    /// the start of its answer: a delivery never waits on a receiver's body.
    /// </summary>
    private async Task<(int Status, string? Reason, string Answer)> PostSignedAsync(WebhookChannel webhook, string body, string idempotencyKey, bool readAnswer,
        CancellationToken ct)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(webhook.Secret, timestamp, body));
        request.Headers.Add(IdempotencyHeader, idempotencyKey);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("EvaraTech-Alerts", "1.0"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.WebhookTimeoutSeconds));
        using var response = await http.CreateClient(WebhookClient).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        return ((int)response.StatusCode, response.ReasonPhrase, readAnswer ? await StartOfAsync(response.Content, timeout.Token) : "");
    }

    /// <summary>The first 300 characters of an answer, reading no more than 1,200 bytes of it.</summary>
    private static async Task<string> StartOfAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[1200];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0)
        {
            read += n;
        }

        return Cut(Encoding.UTF8.GetString(buffer, 0, read), 300);
    }

    /// <summary>
    /// Sends a test message on the channel (a webhook: signed as every delivery is, of type <c>test</c>) and says how the
    /// receiver answered; a failure is an answer too, never thrown.
    /// </summary>
    public async Task<ChannelTestResult> TestAsync(NotificationChannel channel, string recipientEmail, CancellationToken ct)
    {
        var key = $"test:{Guid.CreateVersion7()}";
        const string Text = "A test from EvaraTech: this channel receives alert notifications.";
        try
        {
            switch (channel)
            {
                case WebhookChannel webhook:
                    var body = JsonSerializer.Serialize(new { id = key, idempotencyKey = key, type = "test", message = Text }, Json);
                    var (status, reason, answer) = await PostSignedAsync(webhook, body, key, readAnswer: true, ct);
                    return new(channel.Type, webhook.Url, status is >= 200 and <= 299, status, $"{status} {reason}{(answer.Length > 0 ? ": " + answer : "")}");
                case EmailChannel email when (email.Address ?? recipientEmail) is not { Length: > 0 }:
                    return new(channel.Type, "", false, null, "No address: the channel names none and your user has no email.");
                case EmailChannel email:
                    var to = email.Address ?? recipientEmail;
                    await MailAsync(to, "[TEST] EvaraTech alert notifications", Text, key, ct);
                    return new(channel.Type, to, true, null, "Accepted by the SMTP relay.");
                case SmsChannel sms:
                    await TextAsync(sms.Number, Text, key, ct);
                    return new(channel.Type, sms.Number, true, null, "Accepted by the SMS gateway.");
                default:
                    throw new InvalidOperationException($"Unknown channel {channel.Type}.");
            }
        }
        // Whatever a receiver, a relay or a gateway does wrong is this channel's answer, and the other channels still get theirs.
        catch (Exception failure) when (failure is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var target = channel switch { WebhookChannel w => w.Url, EmailChannel e => e.Address ?? recipientEmail, SmsChannel t => t.Number, _ => "" };
            return new(channel.Type, target, false, null, failure is OperationCanceledException ? "No answer within the timeout." : failure.Message);
        }
    }

    private Task TextAsync(string to, AlertNotice notice, CancellationToken ct)
    {
        var alert = notice.Alert;
        return TextAsync(to, $"[{alert.Severity.ToUpperInvariant()}]{(notice.RepeatNumber > 0 ? " still open:" : "")} {alert.RuleName}: {alert.Message}",
            notice.IdempotencyKey, ct);
    }

    private async Task TextAsync(string to, string text, string idempotencyKey, CancellationToken ct)
    {
        var sms = options.Value.Sms;
        if (string.IsNullOrWhiteSpace(sms.AccountSid) || string.IsNullOrWhiteSpace(sms.AuthToken) || string.IsNullOrWhiteSpace(sms.From))
        {
            throw new InvalidOperationException("No SMS gateway is configured (Notifications:Sms:AccountSid, AuthToken and From).");
        }

        var url = new Uri(new Uri(sms.BaseUrl.EndsWith('/') ? sms.BaseUrl : sms.BaseUrl + "/"), $"2010-04-01/Accounts/{Uri.EscapeDataString(sms.AccountSid)}/Messages.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent([new("To", to), new("From", sms.From), new("Body", Cut(text, sms.MaxLength))]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sms.AccountSid}:{sms.AuthToken}")));
        request.Headers.Add(IdempotencyHeader, idempotencyKey);

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

    private Task MailAsync(string to, AlertNotice notice, CancellationToken ct)
    {
        var alert = notice.Alert;
        return MailAsync(to, $"[{alert.Severity.ToUpperInvariant()}]{(notice.RepeatNumber > 0 ? " (still open)" : "")} {alert.RuleName}", $"""
            {alert.Message}

            Severity: {alert.Severity}
            Node: {alert.NodeId}
            Value: {alert.Value.ToString(CultureInfo.InvariantCulture)} ({alert.Metric})
            Triggered: {alert.TriggeredAt:u}
            Alert: {alert.Id}
            """, notice.IdempotencyKey, ct);
    }

    private async Task MailAsync(string to, string subject, string text, string idempotencyKey, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            throw new InvalidOperationException("No SMTP relay is configured (Notifications:Smtp:Host).");
        }

        var message = new MimeMessage
        {
            Subject = subject,
            MessageId = $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32]}@evaratech.alerts",
            Body = new TextPart("plain") { Text = text },
        };
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Headers.Add(IdempotencyHeader, idempotencyKey);

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
