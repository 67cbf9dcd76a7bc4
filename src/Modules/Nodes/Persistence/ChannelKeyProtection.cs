using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>The <c>ChannelKeys</c> settings: the secret channel keys are protected with, held outside the database.</summary>
public sealed class ChannelKeyOptions
{
    public const string Section = "ChannelKeys";

    /// <summary>Used outside Production only; Production refuses to start with it.</summary>
    public const string DevelopmentSecret = "evaratech-local-channel-key-secret-not-for-production";

    public string Secret { get; set; } = DevelopmentSecret;

    /// <returns>why a Production host must not start with these settings, or null</returns>
    public string? ProductionViolation(IHostEnvironment environment) =>
        environment.IsProduction() && (Secret == DevelopmentSecret || Secret.Length < 32)
            ? "ChannelKeys:Secret must be set to a secret of at least 32 characters of this installation's own in Production."
            : null;
}

/// <summary>
/// How channel keys are stored: a write key only as a keyed hash (HMAC-SHA256), found by hashing the key a device
/// presents; a read key (needed to poll ThingSpeak) encrypted with AES-GCM; of each its last four characters, for
/// showing it masked. Both keys come from one secret outside the database (HKDF, one sub-key per use), so a copy of
/// the database alone reveals no key.
/// </summary>
public sealed class ChannelKeyProtection
{
    private const string SealVersion = "v1.";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _hashKey;
    private readonly byte[] _sealKey;

    public ChannelKeyProtection(IOptions<ChannelKeyOptions> options)
        : this(options.Value.Secret)
    {
    }

    public ChannelKeyProtection(string secret)
    {
        var master = Encoding.UTF8.GetBytes(secret);
        _hashKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: Encoding.UTF8.GetBytes("evaratech channel write-key hash"));
        _sealKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: Encoding.UTF8.GetBytes("evaratech channel read-key seal"));
    }

    public byte[] HashWriteKey(string writeKey) => HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(writeKey));

    public string SealReadKey(string readKey)
    {
        var plain = Encoding.UTF8.GetBytes(readKey);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_sealKey, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length));
        return SealVersion + Convert.ToBase64String(sealedBytes);
    }

    /// <exception cref="CryptographicException">the value was sealed with another secret, or altered</exception>
    public string OpenReadKey(string sealedKey)
    {
        if (!sealedKey.StartsWith(SealVersion, StringComparison.Ordinal))
        {
            throw new CryptographicException("The read key is not sealed in a known format.");
        }

        var sealedBytes = Convert.FromBase64String(sealedKey[SealVersion.Length..]);
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_sealKey, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), plain);
        return Encoding.UTF8.GetString(plain);
    }

    public bool TryOpenReadKey(string sealedKey, out string? readKey)
    {
        try
        {
            readKey = OpenReadKey(sealedKey);
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            readKey = null;
            return false;
        }
    }

    /// <summary>What is kept of a key for showing it masked.</summary>
    public static string Hint(string key) => key[^Math.Min(4, key.Length)..];

    /// <summary>A new write key: 16 characters of A–Z and 0–9 from the system's secure random source (about 82 bits).</summary>
    public static string NewWriteKey() => RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16);

    /// <summary>A new MQTT credential part (client id, user name, password): letters and digits from the secure random source.</summary>
    public static string NewCredential(int length) =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
}
