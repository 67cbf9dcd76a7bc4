using System.Net;
using System.Net.Sockets;

namespace EvaraTech.Modules.Alerts.Notifications;

/// <summary>
/// Where webhooks may not go: a user-supplied URL must not make the platform call its own network (loopback,
/// private, link-local and carrier-grade NAT ranges, cloud metadata at 169.254.169.254). Checked on the address
/// actually connected to, after DNS, so a name that resolves inward is refused too.
/// </summary>
public static class WebhookAddresses
{
    private static readonly (IPAddress Network, int PrefixLength)[] InwardV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8), (IPAddress.Parse("10.0.0.0"), 8), (IPAddress.Parse("100.64.0.0"), 10), (IPAddress.Parse("127.0.0.0"), 8),
        (IPAddress.Parse("169.254.0.0"), 16), (IPAddress.Parse("172.16.0.0"), 12), (IPAddress.Parse("192.168.0.0"), 16),
    ];

    public static bool IsInward(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetwork
            ? InwardV4.Any(range => new IPNetwork(range.Network, range.PrefixLength).Contains(address))
            : IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal
              || address.Equals(IPAddress.IPv6Any);
    }

    /// <summary>A connect callback that refuses inward addresses unless <paramref name="allowInward"/> (development and tests).</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connect(Func<bool> allowInward) => async (context, ct) =>
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
        var address = addresses.FirstOrDefault(a => allowInward() || !IsInward(a))
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
