using System.Globalization;
using System.Net;
using System.Text;
using EvaraTech.IntegrationTests.Infrastructure;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// Every write form that firmware written for ThingSpeak sends, byte for byte as the official Arduino library and
/// common ESP8266 sketches send it, answered as ThingSpeak answers it, and stored as what it says.
/// </summary>
public sealed class DeviceFormsTests : IntegrationTest
{
    private const string Key = "WRITEKEY4200001";

    private ChannelNode _tank = null!;

    [SetUp]
    public async Task ArrangeAsync() => _tank = await ChannelNodes.ArrangeTankAsync(Database, new FakeChannel(4_200_001, "UNUSEDREADKEY01"), Key);

    /// <summary>As ThingSpeak.h sends an update: POST /update, a form body, the key only in X-THINGSPEAKAPIKEY.</summary>
    private async Task<HttpResponseMessage> ArduinoPostAsync(string form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/update")
        {
            Content = new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-THINGSPEAKAPIKEY", Key);
        request.Headers.UserAgent.ParseAdd("tslib-arduino/2.0.1");
        return await Client.SendAsync(request);
    }

    [Test]
    public async Task The_arduino_librarys_post_with_the_key_only_in_its_header_is_stored()
    {
        // Floats printed with six decimals, headers=false.
        var response = await ArduinoPostAsync("headers=false&field1=123.500000&field2=24.250000&field3=3.700000");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("1"));
        Assert.That(await Database.ScalarAsync<string>(Row), Is.EqualTo("123.5 24.25 3.7"));
    }

    /// <summary>
    /// ThingSpeak.h's setStatus("fw=2.1.0") goes out as <c>status=fw%3D2.1.0</c> in the same form, and sketches built
    /// from serial input leave a CR LF on it; a bulk JSON update says <c>"status": null</c> when it has none.
    /// </summary>
    [Test]
    public async Task The_arduino_librarys_status_reports_the_firmware_and_a_null_status_reports_none()
    {
        var response = await ArduinoPostAsync("headers=false&field1=123.500000&status=fw%3D2.1.0%0D%0A");
        var afterStatus = await Database.ScalarAsync<string>($"SELECT firmware_version FROM nodes.device_firmware WHERE node_id = '{_tank.Id}'");
        var bulk = await Client.PostAsync("/channels/4200001/bulk_update.json", new StringContent(
            $$"""{"write_api_key": "{{Key}}", "updates": [{"delta_t": 1, "field1": "124.5", "status": null}]}""", Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(bulk.IsSuccessStatusCode, Is.True);
        Assert.That(afterStatus, Is.EqualTo("2.1.0"), "the CR LF is not part of the version");
        Assert.That(await Database.ScalarAsync<string>($"SELECT firmware_version FROM nodes.device_firmware WHERE node_id = '{_tank.Id}'"),
            Is.EqualTo("2.1.0"), "a null status changes nothing");
        Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank WHERE node_id = '{_tank.Id}'"), Is.EqualTo(2));
    }

    [TestCase("/update?key=" + Key + "&field1=120")]
    [TestCase("/update?api_key=" + Key + "&field1=120%0D%0A")]
    [TestCase("/update?api_key=" + Key + "&field1=%20120%20&field2=")]
    [TestCase("/update.json?api_key=" + Key + "&field1=120.00000")]
    public async Task Sketch_forms_of_a_get_update_are_stored(string url)
    {
        var response = await Client.GetAsync(url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(await Database.ScalarAsync<string>(Row), Is.EqualTo("120 - -"));
    }

    [Test]
    public async Task A_key_in_the_lower_case_header_or_a_json_body_is_read_too()
    {
        using var header = new HttpRequestMessage(HttpMethod.Get, "/update?field1=1");
        header.Headers.Add("thingspeakapikey", Key);
        var byHeader = await Client.SendAsync(header);
        var byJson = await Client.PostAsync("/update.json", new StringContent($$"""{"api_key": "{{Key}}", "field1": 2.5}""", Encoding.UTF8, "application/json"));

        Assert.That(await byHeader.Content.ReadAsStringAsync(), Is.EqualTo("1"));
        Assert.That(await byJson.Content.ReadAsStringAsync(), Does.Contain("\"entry_id\":2"));
    }

    [TestCase("America/New_York", "10:00:00", "15:00")]
    [TestCase("Asia/Kolkata", "10:00:00", "04:30")]
    [TestCase("Asia/Kathmandu", "10:00:00", "04:15")]
    public async Task A_local_created_at_is_read_in_the_requests_timezone(string zone, string local, string utc)
    {
        var day = DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var response = await Client.GetAsync($"/update?api_key={Key}&field1=100&created_at={Uri.EscapeDataString($"{day} {local}")}&timezone={Uri.EscapeDataString(zone)}");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("1"));
        Assert.That(await Database.ScalarAsync<string>("SELECT to_char(\"timestamp\" AT TIME ZONE 'UTC', 'HH24:MI') FROM telemetry.telemetry_tank"), Is.EqualTo(utc));
    }

    [Test]
    public async Task An_indian_devices_local_time_of_a_minute_ago_is_not_the_future()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddMinutes(-1), zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

        var response = await Client.GetAsync($"/update?api_key={Key}&field1=100&created_at={Uri.EscapeDataString(local)}&timezone=Asia%2FKolkata");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("1"));
        Assert.That(await Database.ScalarAsync<bool>("SELECT \"timestamp\" BETWEEN now() - interval '2 minutes' AND now() FROM telemetry.telemetry_tank"), Is.True);
    }

    [Test]
    public async Task An_unknown_timezone_or_unreadable_time_is_400_and_0()
    {
        var zone = await Client.GetAsync($"/update?api_key={Key}&field1=100&created_at=2026-11-24%2010:00:00&timezone=Mars%2FOlympus");
        var time = await Client.GetAsync($"/update?api_key={Key}&field1=100&created_at=yesterday");

        Assert.That(zone.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await zone.Content.ReadAsStringAsync(), Is.EqualTo("0"));
        Assert.That(time.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank"), Is.Zero);
    }

    [Test]
    public async Task A_nan_battery_voltage_costs_the_battery_voltage_and_keeps_the_level()
    {
        var response = await Client.GetAsync($"/update?api_key={Key}&field1=120&field2=-127&field3=nan");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("1"));
        Assert.That(await Database.ScalarAsync<string>(Row), Is.EqualTo("120 - -"));
        Assert.That(await Database.ScalarAsync<string>("SELECT string_agg(source_field || ' ' || (payload ->> source_field) || ': ' || reason, ' | ' ORDER BY source_field) FROM telemetry.telemetry_rejections"),
            Is.EqualTo("field2 -127: field2: -127 is a sensor error code (DS18B20 disconnected or read failed) | field3 nan: field3: 'nan' is not a finite number"));
    }

    [TestCase("1.00000", "running")]
    [TestCase("1.0", "running")]
    [TestCase("true", "running")]
    [TestCase("HIGH", "running")]
    [TestCase("on", "running")]
    [TestCase("0.0", "stopped")]
    [TestCase("LOW", "stopped")]
    public async Task Pump_status_in_every_spelling_keeps_its_pump_current(string status, string stored)
    {
        await ChannelNodes.ArrangeDeepAsync(Database, 4_200_002, "WRITEKEY4200002");

        var response = await Client.GetAsync($"/update?api_key=WRITEKEY4200002&field1={Uri.EscapeDataString(status)}&field2=7.5");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("1"));
        Assert.That(await Database.ScalarAsync<string>("SELECT pump_status || ' ' || pump_current_a FROM telemetry.telemetry_deep"), Is.EqualTo($"{stored} 7.5"));
    }

    [Test]
    public async Task A_csv_bulk_update_with_absolute_times_stores_each_row()
    {
        var day = DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var updates = $"{day} 10:00:00 -0500,100,20,,,,,,,,,,|{day}T15:05:00Z,105,,3.6|{day} 20:40:00 +0530,110";

        var response = await Client.PostAsync("/channels/4200001/bulk_update.csv", Form(("write_api_key", Key), ("time_format", "absolute"), ("updates", updates)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"success\":true"));
        Assert.That(await Database.ScalarAsync<string>("""
            SELECT string_agg(to_char("timestamp" AT TIME ZONE 'UTC', 'HH24:MI') || '=' || water_level_cm, ',' ORDER BY "timestamp") FROM telemetry.telemetry_tank
            """), Is.EqualTo("15:00=100,15:05=105,15:10=110"));
    }

    [Test]
    public async Task A_csv_bulk_update_with_relative_times_ends_at_the_request()
    {
        var response = await Client.PostAsync("/channels/4200001/bulk_update.csv", Form(("write_api_key", Key), ("time_format", "relative"), ("updates", "0,100|60,101|60,102")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await Database.ScalarAsync<bool>("""
            SELECT count(*) = 3 AND max("timestamp") - min("timestamp") = interval '120 seconds' AND max("timestamp") > now() - interval '1 minute'
            FROM telemetry.telemetry_tank
            """), Is.True);
    }

    [TestCase("sometimes", "0,100", "time_format")]
    [TestCase("relative", "soon,100", "updates[0]")]
    [TestCase("absolute", "", "updates")]
    public async Task A_malformed_csv_bulk_update_names_its_field_and_stores_nothing(string format, string updates, string field)
    {
        var response = await Client.PostAsync("/channels/4200001/bulk_update.csv", Form(("write_api_key", Key), ("time_format", format), ("updates", updates)));

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors()[0].Field(), Is.EqualTo(field));
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank"), Is.Zero);
    }

    [Test]
    public async Task A_json_bulk_update_reads_local_times_in_its_timezone()
    {
        var day = DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var response = await Client.PostAsync("/channels/4200001/bulk_update.json", new StringContent($$"""
            {"write_api_key": "{{Key}}", "timezone": "Asia/Kolkata", "updates": [{"created_at": "{{day}} 10:00:00", "field1": "100"}]}
            """, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await Database.ScalarAsync<string>("SELECT to_char(\"timestamp\" AT TIME ZONE 'UTC', 'HH24:MI') FROM telemetry.telemetry_tank"), Is.EqualTo("04:30"));
    }

    private const string Row = "SELECT water_level_cm || ' ' || coalesce(temperature_c::text, '-') || ' ' || coalesce(battery_voltage::text, '-') FROM telemetry.telemetry_tank";

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)));
}
