using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using EvaraTech.TestSupport;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace EvaraTech.IntegrationTests.Alerts.Notifications;

/// <summary>A real SMTP server on a loopback port that keeps every message it is sent.</summary>
public sealed class SmtpSink : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Store _store = new();

    private SmtpSink(int port) => Port = port;

    public int Port { get; }

    public ConcurrentQueue<MimeMessage> Messages => _store.Messages;

    public static SmtpSink Start()
    {
        var port = FreePorts.Next();
        var sink = new SmtpSink(port);
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(sink._store);
        _ = new SmtpServer.SmtpServer(options, services).StartAsync(sink._stop.Token);
        return sink;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private sealed class Store : MessageStore
    {
        public ConcurrentQueue<MimeMessage> Messages { get; } = new();

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
