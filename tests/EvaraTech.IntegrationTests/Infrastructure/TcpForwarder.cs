using System.Net;
using System.Net.Sockets;

namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback port forwarded to another, standing between the platform and PostgreSQL: <see cref="Cut"/> drops every
/// connection and refuses new ones, as a database that went away does, until <see cref="Restore"/>.
/// </summary>
public sealed class TcpForwarder : IDisposable
{
    private readonly int _port;
    private readonly int _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    private TcpForwarder(int port, int target)
    {
        _port = port;
        _target = target;
    }

    public static TcpForwarder Start(int port, int target)
    {
        var forwarder = new TcpForwarder(port, target);
        forwarder.Restore();
        return forwarder;
    }

    /// <summary>Listens and forwards again.</summary>
    public void Restore()
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, _port);
        _listener.Start();
        _ = AcceptAsync(_listener, _stop.Token);
    }

    /// <summary>Closes every forwarded connection and stops listening.</summary>
    public void Cut()
    {
        _stop.Cancel();
        _listener?.Stop();
        lock (_open)
        {
            _open.ForEach(c => c.Dispose());
            _open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = PipeAsync(inbound, stop);
        }
    }

    private async Task PipeAsync(TcpClient inbound, CancellationToken stop)
    {
        using (inbound)
        using (var outbound = new TcpClient())
        {
            lock (_open)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, _target, stop);
                var a = inbound.GetStream();
                var b = outbound.GetStream();
                await Task.WhenAny(a.CopyToAsync(b, stop), b.CopyToAsync(a, stop));
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException or SocketException)
            {
                // Cut, or one side closed: the other goes with it.
            }
        }
    }

    public void Dispose()
    {
        Cut();
        _stop.Dispose();
    }
}
