using System.Security.Cryptography;
using System.Text;

namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>
/// Verifies a Standard Webhooks delivery (what Supabase auth hooks send): <c>webhook-signature</c> holds one or more
/// <c>v1,&lt;base64 HMAC-SHA256&gt;</c> over <c>{webhook-id}.{webhook-timestamp}.{body}</c>, keyed with the base64 part
/// of the secret <c>v1,whsec_…</c>; the timestamp must be within five minutes of now.
/// </summary>
public static class StandardWebhookVerifier
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public enum Outcome
    {
        Valid,
        BadSignature,
        StaleTimestamp,
        Malformed,
    }

    public static Outcome Verify(string secret, string? id, string? timestamp, string? signatureHeader, string body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(signatureHeader)
            || !long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return Outcome.Malformed;
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((now - sentAt).Duration() > Tolerance)
        {
            return Outcome.StaleTimestamp;
        }

        var expected = HMACSHA256.HashData(Key(secret), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        foreach (var candidate in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = candidate.Split(',', 2);
            if (parts is ["v1", var encoded] && TryDecode(encoded, out var signature)
                && CryptographicOperations.FixedTimeEquals(signature, expected))
            {
                return Outcome.Valid;
            }
        }

        return Outcome.BadSignature;
    }

    /// <summary>Signs a delivery the way the sender does (used by tests and by tooling that replays deliveries).</summary>
    public static string Sign(string secret, string id, string timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key(secret), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));

    private static byte[] Key(string secret)
    {
        var value = secret.StartsWith("v1,", StringComparison.Ordinal) ? secret[3..] : secret;
        value = value.StartsWith("whsec_", StringComparison.Ordinal) ? value["whsec_".Length..] : value;
        return Convert.FromBase64String(value);
    }

    private static bool TryDecode(string encoded, out byte[] bytes)
    {
        bytes = new byte[encoded.Length];
        if (Convert.TryFromBase64String(encoded, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}
