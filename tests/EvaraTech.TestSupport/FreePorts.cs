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

    /// <summary>
    /// A loopback port held bound but not listening: connecting to it is refused, and no other server (the API a test
    /// starts, say) can be handed it, until the reservation is disposed and its own server takes it.
    /// </summary>
    public static Reservation Reserve()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return new Reservation(socket);
    }

    public sealed class Reservation(Socket socket) : IDisposable
    {
        public int Port { get; } = ((IPEndPoint)socket.LocalEndPoint!).Port;

        public void Dispose() => socket.Dispose();
    }
}
