using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.TestSupport;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The embedded MQTT broker with real clients (Debian's mosquitto_pub and MQTTnet): ThingSpeak's topics and payloads
/// stored through the one pipeline (mapped, calibrated), a QoS 1 acknowledgement only after the commit, and every
/// refusal (credentials, another channel, size, rate) refused without harming anyone else.
/// </summary>
[NonParallelizable]
public sealed class MqttIngestionTests : TenantWorldTest
{
    private const long Channel = 880001;
    private const string WriteKey = "MQTTWRITEKEY0001";
    private const long OtherChannel = 880002;
    private const string OtherWriteKey = "MQTTWRITEKEY0002";
    private const int Burst = 5;

    private TcpForwarder _database = null!;
    private ApiFactory _api = null!;
    private int _port;
    private int _tlsPort;
    private int _webPort;
    private string _certificates = null!;
    private Guid _tank;
    private Guid _other;

    [OneTimeSetUp]
    public void StartBroker()
    {
        // The broker's host reaches PostgreSQL through a hop the DB-outage test can cut.
        var hop = FreePorts.Next();
        var target = new NpgsqlConnectionStringBuilder(Database.AppConnectionString).Port;
        _database = TcpForwarder.Start(hop, target);
        (_port, _tlsPort, _webPort) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        _certificates = Directory.CreateTempSubdirectory("evaratech-mqtt-tls").FullName;
        using (var certificate = SelfSignedLoopbackCertificate())
        {
            File.WriteAllText(CertificateFile, certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(_certificates, "key.pem"), certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        }

        _api = ApiFactory.For(Database, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(Database.AppConnectionString) { Port = hop, Timeout = 3, CommandTimeout = 5 }.ConnectionString,
            // Migrated already (by the run's platform host): no start-up stand-in takes Kestrel's default port.
            ["Database:MigrateOnStartup"] = "false",
            ["Mqtt:Mode"] = "embedded",
            ["Mqtt:Port"] = _port.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:Burst"] = Burst.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:Tls:Port"] = _tlsPort.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:Tls:CertificatePath"] = CertificateFile,
            ["Mqtt:Tls:KeyPath"] = Path.Combine(_certificates, "key.pem"),
        });
        // A real HTTP server, for MQTT over WebSockets.
        _api.UseKestrel(_webPort);
        _api.StartServer();
    }

    [OneTimeTearDown]
    public async Task StopBrokerAsync()
    {
        await _api.DisposeAsync();
        _database.Dispose();
        Directory.Delete(_certificates, recursive: true);
    }

    private string CertificateFile => Path.Combine(_certificates, "certificate.pem");

    [SetUp]
    public async Task CreateNodesAsync()
    {
        _tank = await NodeBuilder.OfCustomer(World.Customer1, World.Community1, World.Distributor1).Named("mqtt-tank", "mqtt-tank").Kind("OHT", "EvaraTank")
            .WithState().WithTank(400).WithChannel(Channel, writeKey: WriteKey)
            .WithMapping("field1", "water_level_cm", scale: 100).WithMapping("field2", "temperature_c")
            .WithCalibration("temperature_c", 1.0, 0.5, DateTimeOffset.UtcNow.AddDays(-30)).InsertAsync(Database);
        _other = await NodeBuilder.OfCustomer(World.Customer2, World.Community2, World.Distributor2).Named("mqtt-other", "mqtt-other").Kind("OHT", "EvaraTank")
            .WithState().WithTank(400).WithChannel(OtherChannel, writeKey: OtherWriteKey).WithMapping("field1", "water_level_cm").InsertAsync(Database);
    }

    [Test]
    public async Task Mosquitto_pub_stores_a_ThingSpeak_entry_mapped_and_calibrated_before_its_QoS_1_acknowledgement()
    {
        var at = Minute(DateTimeOffset.UtcNow.AddHours(-1)).ToOffset(TimeSpan.FromMinutes(330));

        var (exit, output) = await MosquittoPubAsync("-V", "mqttv311", "-q", "1", "-u", "device", "-P", WriteKey, "-t", $"channels/{Channel}/publish",
            "-m", $"field1=1.25&field2=24.5&status=fw%3D2.1.0&created_at={Uri.EscapeDataString(at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture))}");

        // mosquitto_pub exits once the PUBACK came: the reading is committed by then, without waiting for anything.
        Assert.That(exit, Is.Zero, output);
        Assert.That(await ReadingsAsync(_tank), Is.EqualTo(new[] { $"{at.UtcDateTime:yyyy-MM-dd HH:mm:ss}|125|25" }));
    }

    [Test]
    public async Task A_field_topic_stores_its_bare_value_and_an_MQTT_5_client_gets_success()
    {
        using var client = await ConnectAsync(WriteKey, MqttProtocolVersion.V500);

        var result = await client.PublishAsync(Message($"channels/{Channel}/publish/fields/field1", "2.5"));

        Assert.That(result.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.Success));
        Assert.That((await ReadingsAsync(_tank)).Single(), Does.Contain("|250|"));
    }

    [Test]
    public async Task Firmware_that_ends_its_payload_or_bare_value_with_CR_LF_stores_the_values_it_sent()
    {
        using var client = await ConnectAsync(WriteKey, MqttProtocolVersion.V311);
        var at = DateTimeOffset.UtcNow.AddMinutes(-3);
        var created = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        var entry = await client.PublishAsync(Message($"channels/{Channel}/publish", $"field1=1.25&field2=24.5&created_at={created}\r\n"));
        var bare = await client.PublishAsync(Message($"channels/{Channel}/publish/fields/field1", "2.5\r\n"));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(entry.IsSuccess && bare.IsSuccess, Is.True);
            var readings = await ReadingsAsync(_tank);
            Assert.That(readings, Has.Count.EqualTo(2));
            Assert.That(readings, Does.Contain($"{at.UtcDateTime:yyyy-MM-dd HH:mm:ss}|125|25"), "created_at read without its line end");
            Assert.That(readings.Count(r => r.Contains("|250|", StringComparison.Ordinal)), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task An_empty_field_an_empty_key_and_an_unknown_key_leave_the_rest_of_the_entry_stored()
    {
        using var client = await ConnectAsync(WriteKey, MqttProtocolVersion.V500);
        var at = DateTimeOffset.UtcNow.AddMinutes(-4);
        var created = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        var result = await client.PublishAsync(Message($"channels/{Channel}/publish", $"field1=1.25&field2=&=junk&field9=3&&created_at={created}"));

        Assert.That(result.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.Success));
        Assert.That(await ReadingsAsync(_tank), Is.EqualTo(new[] { $"{at.UtcDateTime:yyyy-MM-dd HH:mm:ss}|125|" }), "field2 sent empty is stored as nothing");
    }

    [Test]
    public async Task A_payload_that_says_nothing_readable_is_kept_as_a_rejection_with_its_reason()
    {
        using var client = await ConnectAsync(WriteKey, MqttProtocolVersion.V500);

        var garbage = await client.PublishAsync(Message($"channels/{Channel}/publish", "field1=abc"));
        var badTime = await client.PublishAsync(Message($"channels/{Channel}/publish", "field1=1&created_at=yesterday"));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(garbage.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.Success), "received and kept: the device need not send it again");
            Assert.That(badTime.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.Success));
            Assert.That(await ReadingsAsync(_tank), Is.Empty);
            Assert.That(await Database.ScalarAsync<string>(
                $"SELECT string_agg(coalesce(source_field, '') || ':' || (payload IS NOT NULL)::text, ',' ORDER BY source_field) FROM telemetry.telemetry_rejections WHERE node_id = '{_tank}' AND source = 'mqtt'"),
                Is.EqualTo("created_at:true,field1:true"));
        });
    }

    [Test]
    public async Task MQTT_over_WebSockets_at_the_APIs_mqtt_path_stores_like_TCP()
    {
        var client = new MqttClientFactory().CreateMqttClient();
        using (client)
        {
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithWebSocketServer(o => o.WithUri($"ws://127.0.0.1:{_webPort}/mqtt"))
                .WithCredentials("device", WriteKey).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId($"ws-{Guid.NewGuid():N}").Build());

            var result = await client.PublishAsync(Message($"channels/{Channel}/publish", "field1=0.75"));

            Assert.That(result.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.Success));
        }

        Assert.That((await ReadingsAsync(_tank)).Single(), Does.Contain("|75|"));
    }

    [Test]
    public async Task Mosquitto_pub_over_TLS_stores_the_entry_when_a_certificate_is_configured()
    {
        var (exit, output) = await MosquittoPubAsync("-p", _tlsPort.ToString(CultureInfo.InvariantCulture), "--cafile", CertificateFile, "--insecure",
            "-q", "1", "-u", "device", "-P", WriteKey, "-t", $"channels/{Channel}/publish", "-m", "field1=0.5");

        Assert.That(exit, Is.Zero, output);
        Assert.That((await ReadingsAsync(_tank)).Single(), Does.Contain("|50|"));
    }

    [Test]
    public async Task Issued_MQTT_credentials_publish_to_the_nodes_channel_and_new_ones_retire_them()
    {
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));
        using var stranger = ClientWith(Tokens.For(World.DistributorUser2));
        var first = await IssueCredentialsAsync(distributor);
        var second = await IssueCredentialsAsync(distributor);
        using var strangers = await stranger.PostAsync($"/api/v1/nodes/{_tank}/mqtt-credentials", null);

        var retired = await MosquittoPubAsync("-i", first.ClientId, "-u", first.Username, "-P", first.Password, "-q", "1", "-t", $"channels/{Channel}/publish", "-m", "field1=1");
        var otherClient = await MosquittoPubAsync("-i", "SomeOtherClientId", "-u", second.Username, "-P", second.Password, "-q", "1", "-t", $"channels/{Channel}/publish", "-m", "field1=1");
        var current = await MosquittoPubAsync("-i", second.ClientId, "-u", second.Username, "-P", second.Password, "-q", "1", "-t", $"channels/{Channel}/publish", "-m", "field1=1.5");
        var elsewhere = await MosquittoPubAsync("-i", second.ClientId, "-u", second.Username, "-P", second.Password, "-V", "mqttv5", "-q", "1", "-t", $"channels/{OtherChannel}/publish", "-m", "field1=1");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((first.ClientId, first.Username, first.Password.Length, first.ChannelId), Is.Not.EqualTo((second.ClientId, second.Username, 0, 0L)));
            Assert.That(second.ChannelId, Is.EqualTo(Channel));
            Assert.That(strangers.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.NotFound), "another tenant's node");
            Assert.That(retired.Exit, Is.Not.Zero, "credentials issued before stop working");
            Assert.That(otherClient.Exit, Is.Not.Zero, "all three must match");
            Assert.That(current.Exit, Is.Zero, current.Output);
            Assert.That(elsewhere.Output, Does.Contain("Not authorized").IgnoreCase.Or.Contain("not authorised").IgnoreCase.Or.Contain("135"));
            Assert.That((await ReadingsAsync(_tank)).Single(), Does.Contain("|150|"));
            Assert.That(await ReadingsAsync(_other), Is.Empty);
            Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM audit.audit_logs a WHERE a::text LIKE '%{second.Password}%' OR a::text LIKE '%{first.Password}%'"),
                Is.Zero, "no password reaches the audit trail");
        });
    }

    [Test]
    public async Task Another_nodes_key_cannot_take_over_a_devices_kept_session_by_its_client_id()
    {
        var clientId = $"shared-{Guid.NewGuid():N}";
        using var device = new MqttClientFactory().CreateMqttClient();
        await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithCredentials("device", WriteKey)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId(clientId).WithCleanStart(false).WithSessionExpiryInterval(600).Build());
        using var intruder = new MqttClientFactory().CreateMqttClient();

        var takeover = await intruder.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithCredentials("device", OtherWriteKey)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId(clientId).WithCleanStart(false).WithSessionExpiryInterval(600).Build());
        var stillThere = await device.PublishAsync(Message($"channels/{Channel}/publish", "field1=1"));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(takeover.ResultCode, Is.EqualTo(MqttClientConnectResultCode.ClientIdentifierNotValid));
            Assert.That(device.IsConnected, Is.True, "the device keeps its connection and session");
            Assert.That(stillThere.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.Success));
            Assert.That(await ReadingsAsync(_other), Is.Empty);
        });
    }

    [Test]
    public async Task Wrong_credentials_are_refused_by_both_clients_and_nothing_is_stored()
    {
        var (exit, output) = await MosquittoPubAsync("-q", "1", "-u", "device", "-P", "NOT-A-KEY", "-t", $"channels/{Channel}/publish", "-m", "field1=1");
        using var client = new MqttClientFactory().CreateMqttClient();
        var refused = await client.ConnectAsync(Options("NOT-A-KEY", MqttProtocolVersion.V500));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(exit, Is.Not.Zero);
            Assert.That(output, Does.Contain("not authorised").IgnoreCase.Or.Contain("bad user name or password").IgnoreCase);
            Assert.That(refused.ResultCode, Is.EqualTo(MqttClientConnectResultCode.BadUserNameOrPassword));
            Assert.That(client.IsConnected, Is.False);
            Assert.That(await ReadingsAsync(_tank), Is.Empty);
        });
    }

    [Test]
    public async Task Another_channels_topic_is_not_authorised_and_closes_a_3_1_1_connection()
    {
        using var v5 = await ConnectAsync(WriteKey, MqttProtocolVersion.V500);
        using var v311 = await ConnectAsync(WriteKey, MqttProtocolVersion.V311);

        var refused = await v5.PublishAsync(Message($"channels/{OtherChannel}/publish", "field1=1"));
        Assert.CatchAsync(() => v311.PublishAsync(Message($"channels/{OtherChannel}/publish", "field1=1")));
        var own = await v5.PublishAsync(Message($"channels/{Channel}/publish", "field1=1"));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(refused.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.NotAuthorized));
            Assert.That(v311.IsConnected, Is.False, "MQTT 3.1.1 cannot say no but by closing");
            Assert.That(await ReadingsAsync(_other), Is.Empty);
            Assert.That(own.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.Success), "the device's own channel still works");
        });
    }

    [Test]
    public async Task An_oversized_message_is_refused_and_the_broker_goes_on()
    {
        using var client = await ConnectAsync(WriteKey, MqttProtocolVersion.V500);

        var big = await client.PublishAsync(Message($"channels/{Channel}/publish", "field1=1&status=" + new string('x', 9 * 1024)));
        var next = await client.PublishAsync(Message($"channels/{Channel}/publish", "field1=1"));

        Assert.Multiple(() =>
        {
            Assert.That(big.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.PayloadFormatInvalid));
            Assert.That(next.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.Success));
        });
    }

    [Test]
    public async Task A_flooding_device_is_held_to_its_rate_while_another_device_is_not_slowed()
    {
        using var flooder = await ConnectAsync(WriteKey, MqttProtocolVersion.V500);
        using var neighbour = await ConnectAsync(OtherWriteKey, MqttProtocolVersion.V500);
        var start = Minute(DateTimeOffset.UtcNow.AddHours(-2));

        var flood = Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            flooder.PublishAsync(Message($"channels/{Channel}/publish", $"field1=1&created_at={Uri.EscapeDataString(Iso(start.AddMinutes(i)))}"))));
        var neighbourly = new List<MqttClientPublishResult>();
        for (var i = 0; i < 3; i++)
        {
            neighbourly.Add(await neighbour.PublishAsync(Message($"channels/{OtherChannel}/publish", $"field1={i + 1}&created_at={Uri.EscapeDataString(Iso(start.AddMinutes(i)))}")));
        }

        var results = await flood;
        var accepted = results.Count(r => r.ReasonCode == MqttClientPublishReasonCode.Success);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(accepted, Is.InRange(Burst, Burst + 2), "the burst, and what the rate refilled meanwhile");
            Assert.That(results.Where(r => r.ReasonCode != MqttClientPublishReasonCode.Success).Select(r => r.ReasonCode).Distinct(),
                Is.EqualTo(new[] { MqttClientPublishReasonCode.QuotaExceeded }));
            Assert.That((await ReadingsAsync(_tank)).Count, Is.EqualTo(accepted));
            Assert.That(neighbourly.Select(r => r.ReasonCode), Is.All.EqualTo(MqttClientPublishReasonCode.Success));
            Assert.That((await ReadingsAsync(_other)).Count, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task With_PostgreSQL_gone_no_QoS_1_acknowledgement_is_sent_and_the_redelivery_is_stored_once()
    {
        var at = Iso(Minute(DateTimeOffset.UtcNow.AddMinutes(-30)));
        var payload = $"field1=3&created_at={Uri.EscapeDataString(at)}";
        using var client = await ConnectAsync(WriteKey, MqttProtocolVersion.V311);

        _database.Cut();
        Exception? unacknowledged;
        try
        {
            unacknowledged = Assert.CatchAsync(() => client.PublishAsync(Message($"channels/{Channel}/publish", payload)));
        }
        finally
        {
            _database.Restore();
        }

        // The device sends it again once PostgreSQL is back (its own retry, or its session's), and again after that.
        using var again = await ConnectAsync(WriteKey, MqttProtocolVersion.V311);
        var first = await again.PublishAsync(Message($"channels/{Channel}/publish", payload));
        var duplicate = await again.PublishAsync(Message($"channels/{Channel}/publish", payload));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(unacknowledged, Is.Not.Null, "nothing is acknowledged that was not committed");
            Assert.That(first.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.Success));
            Assert.That(duplicate.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.Success));
            Assert.That(await ReadingsAsync(_tank), Has.Count.EqualTo(1), "stored once");
        });
    }

    // ---- arrangement ----------------------------------------------------------------------------------------------

    private sealed record Credentials(long ChannelId, string ClientId, string Username, string Password);

    private async Task<Credentials> IssueCredentialsAsync(HttpClient client)
    {
        using var response = await client.PostAsync($"/api/v1/nodes/{_tank}/mqtt-credentials", null);
        var data = (await response.ReadEnvelopeAsync(System.Net.HttpStatusCode.OK)).GetProperty("data");
        return new Credentials(data.GetProperty("channelId").GetInt64(), data.GetProperty("clientId").GetString()!, data.GetProperty("username").GetString()!,
            data.GetProperty("password").GetString()!);
    }

    private MqttClientOptions Options(string password, MqttProtocolVersion version) => new MqttClientOptionsBuilder()
        .WithTcpServer("127.0.0.1", _port).WithCredentials("device", password).WithProtocolVersion(version)
        .WithClientId($"test-{Guid.NewGuid():N}").WithTimeout(TimeSpan.FromSeconds(15)).Build();

    private async Task<IMqttClient> ConnectAsync(string password, MqttProtocolVersion version)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(password, version));
        return client;
    }

    private static MqttApplicationMessage Message(string topic, string payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    /// <summary>Runs mosquitto_pub against the broker (its plain port unless the arguments name another).</summary>
    private async Task<(int Exit, string Output)> MosquittoPubAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("mosquitto_pub") { RedirectStandardOutput = true, RedirectStandardError = true };
        var port = arguments.Contains("-p") ? [] : new[] { "-p", _port.ToString(CultureInfo.InvariantCulture) };
        var client = arguments.Contains("-i") ? [] : new[] { "-i", $"pub-{Guid.NewGuid():N}" };
        foreach (var argument in new[] { "-h", "127.0.0.1" }.Concat(client).Concat(port).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token) + await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, output);
    }

    /// <summary>The node's stored readings as "time|level cm|temperature".</summary>
    private static async Task<IReadOnlyList<string>> ReadingsAsync(Guid node)
    {
        var rows = await Database.ScalarAsync<string>($"""
            SELECT string_agg(to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '|' || water_level_cm || '|' || coalesce(temperature_c::text, ''), ',' ORDER BY "timestamp")
            FROM telemetry.telemetry_tank WHERE node_id = '{node}'
            """);
        return rows is null ? [] : rows.Split(',');
    }

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static DateTimeOffset Minute(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
