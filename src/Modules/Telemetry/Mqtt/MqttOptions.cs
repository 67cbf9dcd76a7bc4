using System.Security.Cryptography.X509Certificates;

namespace EvaraTech.Modules.Telemetry.Mqtt;

/// <summary>The <c>Mqtt</c> settings: the broker inside the API host that devices publish their readings to.</summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    /// <summary>
    /// <c>embedded</c>: the API host runs the broker; <c>external</c>: it consumes an outside broker cluster's device
    /// topics through a shared subscription (<see cref="External"/>); <c>off</c>: no MQTT.
    /// </summary>
    public string Mode { get; set; } = "embedded";

    /// <summary>
    /// The one TCP address the broker listens on, IPv4 or IPv6 (loopback by default; <c>0.0.0.0</c> or <c>::</c> for
    /// devices on the network).
    /// </summary>
    public string Address { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    /// <summary>MQTT over TLS on a port of its own, when a certificate is configured.</summary>
    public MqttTlsOptions Tls { get; set; } = new();

    /// <summary>MQTT over WebSockets, on the API's own port.</summary>
    public string WebSocketPath { get; set; } = "/mqtt";

    /// <summary>A larger message is refused: a ThingSpeak entry is far smaller.</summary>
    public int MaxMessageBytes { get; set; } = 8 * 1024;

    /// <summary>Each device's sustained rate; past it and its burst, messages are refused and counted.</summary>
    public double MessagesPerSecond { get; set; } = 1;

    public int Burst { get; set; } = 10;

    /// <summary>Connections one address may hold at once.</summary>
    public int ConnectionsPerAddress { get; set; } = 100;

    /// <summary>How long messages of many devices are gathered into one write (and at most how many).</summary>
    public int BatchWindowMilliseconds { get; set; } = 10;

    public int MaxBatch { get; set; } = 500;

    /// <summary>Batches written at once.</summary>
    public int Writers { get; set; } = 2;

    public ExternalBrokerOptions External { get; set; } = new();

    public bool IsEmbedded => Mode == "embedded";

    public bool IsExternal => Mode == "external";

    /// <summary>The TLS endpoint's certificate: a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>, with its password) or PEM certificate and key files; none, no TLS endpoint.</summary>
    public X509Certificate2? LoadCertificate()
    {
        if (Tls.CertificatePath is not { Length: > 0 } path)
        {
            return null;
        }

        if (path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, Tls.CertificatePassword);
        }

        // A PEM key is ephemeral; TLS on Linux wants it as PKCS#12.
        using var pem = X509Certificate2.CreateFromPemFile(path, Tls.KeyPath);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    public bool IsValid =>
        Mode is "embedded" or "external" or "off" && (!IsExternal || External.Host is { Length: > 0 } && External.SharedGroup is { Length: > 0 }) && Port is > 0 and < 65536 && System.Net.IPAddress.TryParse(Address, out _) && WebSocketPath.StartsWith('/')
        && Tls.Port is > 0 and < 65536 && MaxMessageBytes > 0 && MessagesPerSecond > 0 && Burst > 0 && ConnectionsPerAddress > 0 && BatchWindowMilliseconds >= 0 && MaxBatch > 0 && Writers > 0;
}

/// <summary>The <c>Mqtt:Tls</c> settings: MQTT over TLS (a device guide's <c>mqtts://</c>).</summary>
public sealed class MqttTlsOptions
{
    public int Port { get; set; } = 8883;

    public string? CertificatePath { get; set; }

    /// <summary>The PEM certificate's private key file (none: the key is in the certificate file).</summary>
    public string? KeyPath { get; set; }

    public string? CertificatePassword { get; set; }
}

/// <summary>
/// The <c>Mqtt:External</c> settings: the outside broker (EMQX, HiveMQ, Mosquitto) that authenticates the devices and
/// holds the topics; every API instance joins one shared subscription, so each message reaches one of them.
/// </summary>
public sealed class ExternalBrokerOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 1883;

    public bool UseTls { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The shared subscription's group: <c>$share/&lt;group&gt;/channels/+/publish/#</c>.</summary>
    public string SharedGroup { get; set; } = "evaratech";
}
