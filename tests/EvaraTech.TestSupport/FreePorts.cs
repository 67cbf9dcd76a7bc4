using System.Net;
using System.Net.Sockets;

namespace EvaraTech.TestSupport;

/// <summary>Ports for servers a test starts on loopback (the API as a process, an SMTP sink, Prometheus).</summary>
public static class FreePorts
{
    /// <summary>A port free on loopback right now, as the system picks one.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
