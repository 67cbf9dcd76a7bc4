using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace EvaraTech.Modules.Alerts.Notifications;

/// <summary>
/// Where webhooks may not go: a user-supplied URL must not make the platform call its own network (loopback,
/// private, link-local and carrier-grade NAT ranges, cloud metadata at 169.254.169.254, this host's own addresses) or
/// anything that is not one host (multicast, broadcast, reserved). IPv6 forms that carry an IPv4 address (mapped,
/// compatible, NAT64, 6to4) are judged by that address. Checked on the address actually connected to, after DNS, so a
/// name that resolves inward is refused too.
/// </summary>
public static class WebhookAddresses
{
    private static readonly IPNetwork[] InwardV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    public static bool IsInward(IPAddress address) => IsInward(address, OwnAddresses());

    public static bool IsInward(IPAddress address, IReadOnlySet<IPAddress> own)
    {
        address = EmbeddedIPv4(address) ?? address;
        if (own.Contains(address))
        {
            return true;
        }

        return address.AddressFamily == AddressFamily.InterNetwork
            ? InwardV4.Any(range => range.Contains(address))
            : IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal
              || address.IsIPv6Multicast || address.Equals(IPAddress.IPv6Any);
    }

    /// <summary>The addresses of this host's own interfaces, which a webhook must not reach either.</summary>
    public static IReadOnlySet<IPAddress> OwnAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => EmbeddedIPv4(u.Address) ?? u.Address)
            .Select(a => a.AddressFamily == AddressFamily.InterNetworkV6 && a.ScopeId != 0 ? new IPAddress(a.GetAddressBytes()) : a)
            .ToHashSet();

    /// <summary>The IPv4 address an IPv6 address carries (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64, 6to4), if any.</summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return Nat64.Contains(address) ? new IPAddress(bytes.AsSpan(12, 4))
            : SixToFour.Contains(address) ? new IPAddress(bytes.AsSpan(2, 4))
            : null;
    }

    /// <summary>A connect callback that refuses inward addresses unless <paramref name="allowInward"/> (development and tests).</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connect(Func<bool> allowInward) => async (context, ct) =>
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
        var own = OwnAddresses();
        var address = addresses.FirstOrDefault(a => allowInward() || !IsInward(a, own))
            ?? throw new HttpRequestException($"The webhook's host {context.DnsEndPoint.Host} resolves to a private or local address.");
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };
}
