namespace EvaraTech.Modules.Alerts.Notifications;

/// <summary>The <c>Notifications</c> settings: retries, webhook rules, the SMTP relay and the SMS gateway.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    private static readonly int[] DefaultRetryDelaysSeconds = [10, 60, 300, 900, 3600];

    /// <summary>
    /// The waits before each retry of a failed delivery; once they are used up the delivery is failed. Unset means
    /// 10 s, 1 min, 5 min, 15 min, 1 h (configuration binding would append to a non-empty default, so it stays null).
    /// </summary>
    public int[]? RetryDelaysSeconds { get; set; }

    public IReadOnlyList<int> RetryDelays => RetryDelaysSeconds is { Length: > 0 } configured ? configured : DefaultRetryDelaysSeconds;

    /// <summary>Accept http:// webhooks (development and tests only; production takes https only).</summary>
    public bool AllowHttpWebhooks { get; set; }

    /// <summary>Let webhooks reach loopback and private addresses (development and tests; never in production).</summary>
    public bool AllowPrivateNetworkWebhooks { get; set; }

    public double WebhookTimeoutSeconds { get; set; } = 10;

    /// <summary>A pending delivery untouched for this long lost its job (an instance died): it is queued again.</summary>
    public int StalledAfterMinutes { get; set; } = 30;

    /// <summary>
    /// A pending delivery never attempted this long after it was queued lost its job sooner than that (its instance
    /// stopped, or the job store was unreachable right after the commit): it is queued again. A delivery is normally
    /// attempted within seconds; one queued twice is still sent once (the job skips a delivery no longer pending).
    /// </summary>
    public int UnattemptedAfterSeconds { get; set; } = 60;

    public SmtpOptions Smtp { get; set; } = new();

    public SmsOptions Sms { get; set; } = new();

    public int MaxAttempts => RetryDelays.Count + 1;
}

/// <summary>The SMTP relay emails go through.</summary>
public sealed class SmtpOptions
{
    /// <summary>No host: email channels fail with a clear error (and are retried) until one is configured.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>Upgrade with STARTTLS when the server offers it; <c>Required</c> refuses plain text.</summary>
    public string Security { get; set; } = "StartTlsWhenAvailable";

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "EvaraTech Alerts <alerts@evaratech.local>";
}

/// <summary>
/// The SMS gateway texts go through: Twilio's Messages API or any gateway that speaks it (a form POST of <c>To</c>,
/// <c>From</c> and <c>Body</c> to <c>{BaseUrl}2010-04-01/Accounts/{AccountSid}/Messages.json</c>, HTTP Basic with the
/// account SID and auth token).
/// </summary>
public sealed class SmsOptions
{
    public string BaseUrl { get; set; } = "https://api.twilio.com/";

    /// <summary>No account: SMS channels fail with a clear error (and are retried) until one is configured.</summary>
    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    /// <summary>The sending number (E.164) or the gateway's sender id.</summary>
    public string? From { get; set; }

    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>The longest text sent; a longer alert message is cut (a text of 160 GSM characters is one segment).</summary>
    public int MaxLength { get; set; } = 320;

    private static readonly string[] DefaultCountryCodes = ["+91"];

    /// <summary>
    /// The E.164 prefixes numbers may have (countries this installation texts and pays for). Unset means India's +91
    /// (configuration binding would append to a non-empty default, so it stays null).
    /// </summary>
    public string[]? AllowedCountryCodes { get; set; }

    public IReadOnlyList<string> CountryCodes => AllowedCountryCodes is { Length: > 0 } configured ? configured : DefaultCountryCodes;

    /// <summary>The shortest repeat interval of a rule that texts (0, never repeating, is always allowed).</summary>
    public int MinRepeatIntervalMinutes { get; set; } = 15;
}
