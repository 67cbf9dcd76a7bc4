using System.Net;
using System.Net.Sockets;
using EvaraTech.Modules.Alerts.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Security;

public sealed partial class AdversarialSuite
{
    private const string SsrfRefusal = "resolves to a private or local address";

    private static IEnumerable<string> InwardHosts() =>
    [
        "127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "[::127.0.0.1]", "0.0.0.0", "[::]", "10.0.0.1", "10.255.255.254",
        "172.16.0.1", "172.31.255.254", "192.168.0.1", "192.168.255.254", "169.254.169.254", "100.64.0.1", "100.127.255.254",
        "224.0.0.1", "255.255.255.255", "[64:ff9b::7f00:1]", "[2002:7f00:1::]", "[fc00::1]", "[fd00:ec2::254]", "[fe80::1]", "[ff02::1]",
        "2130706433", "0177.0.0.1", "0x7f000001", "0x7f.0.0.1", "127.1", "198.18.0.1", Dns.GetHostName(),
    ];

    /// <summary>
    /// Webhook URLs are the API's one way for a user to make the platform call an address; the platform's own webhook
    /// client (as the host configured it, private networks not allowed) must refuse every inward target in every
    /// spelling, before connecting. A listener on the loopback port the targets name would see any request that got through.
    /// </summary>
    [Test]
    public async Task The_webhook_client_refuses_every_inward_target()
    {
        var tally = AdversarialTallies.Start("ssrf");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var webhooks = Platform.Api.Services.GetRequiredService<IHttpClientFactory>().CreateClient(NotificationSender.WebhookClient);

        foreach (var host in InwardHosts())
        {
            foreach (var scheme in new[] { "http", "https" })
            {
                await WebhookAsync(webhooks, $"{scheme}://{host}:{port}/hook", tally);
            }
        }

        if (listener.Pending())
        {
            tally.Leaked("a webhook request reached the loopback listener");
        }

        tally.AssertClean();
    }

    /// <summary>Refused means refused by the address check; a timeout or a connection error means it tried to connect.</summary>
    private static async Task WebhookAsync(HttpClient webhooks, string url, AdversarialTally tally)
    {
        tally.Attempted();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            using var response = await webhooks.PostAsync(url, new StringContent("{}"), timeout.Token);
            tally.Leaked($"{url} → {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex) when (ex.ToString().Contains(SsrfRefusal, StringComparison.Ordinal) || ex.InnerException is ArgumentException { ParamName: "hostName" })
        {
            // The runtime itself refuses to resolve the unspecified addresses (0.0.0.0, ::) before the check is asked.
            tally.WasRefused();
        }
        catch (Exception ex)
        {
            tally.Leaked($"{url} was not refused by the address check: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
