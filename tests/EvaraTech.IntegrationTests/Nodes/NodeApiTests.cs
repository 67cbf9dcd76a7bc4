using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Tenancy;

namespace EvaraTech.IntegrationTests.Nodes;

/// <summary>The node API end to end: every command and query, versioned writes, bad input, and their stored effects.</summary>
public sealed class NodeApiTests : TenantWorldTest
{
    private static object TankBody(string key, string tenantType, Guid tenantId, double? lat = 17.4, double? lng = 78.4, string label = "Block A OHT") =>
        new Dictionary<string, object?>
        {
            ["nodeKey"] = key, ["label"] = label, ["category"] = "OHT", ["tenantType"] = tenantType,
            [tenantType + "Id"] = tenantId, ["lat"] = lat, ["lng"] = lng, ["locationName"] = "Gachibowli",
            ["capacityLitres"] = 10000, ["config"] = new { maxDepthCm = 300, sensorOffsetCm = 10 },
        };

    private async Task<(Guid Id, string ETag)> CreateTankAsync(string key, string tenantType = "community", Guid? tenantId = null,
        double? lat = 17.4, double? lng = 78.4, string label = "Block A OHT")
    {
        using var client = ClientWith(Tokens.For(World.Superadmin));
        var response = await client.PostAsJsonAsync("/api/v1/nodes", TankBody(key, tenantType, tenantId ?? World.Community1, lat, lng, label));
        var data = (await response.ReadEnvelopeAsync(HttpStatusCode.Created)).GetProperty("data");
        return (data.GetProperty("node").GetProperty("id").GetGuid(), response.Headers.ETag!.Tag);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, object? body, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        return request.WithIfMatch(ifMatch);
    }

    private static Task<long> CountAsync(string sql, params (string, object)[] parameters) =>
        Database.ScalarAsync<long>(sql, parameters);

    [Test]
    public async Task Creating_a_node_answers_201_with_its_etag_config_and_provisioning_state()
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var response = await client.PostAsJsonAsync("/api/v1/nodes", TankBody("tank-001", "community", World.Community1));

        var data = (await response.ReadEnvelopeAsync(HttpStatusCode.Created)).GetProperty("data");
        var node = data.GetProperty("node");
        var id = node.GetProperty("id").GetGuid();
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(response.Headers.Location!.ToString(), Is.EqualTo($"/api/v1/nodes/{id}"));
            Assert.That(response.Headers.ETag!.Tag, Is.EqualTo("\"1.1\""));
            Assert.That(id.Version, Is.EqualTo(7), "new ids are UUIDv7");
            Assert.That(node.GetProperty("analyticsType").GetString(), Is.EqualTo("EvaraTank"));
            Assert.That(node.GetProperty("tenantType").GetString(), Is.EqualTo("community"));
            Assert.That(node.GetProperty("status").GetString(), Is.EqualTo("Provisioning"));
            Assert.That(data.GetProperty("config").GetProperty("maxDepthCm").GetDouble(), Is.EqualTo(300));
            Assert.That(data.GetProperty("state").GetProperty("version").GetInt64(), Is.EqualTo(1));
            Assert.That(await Database.ScalarAsync<Guid>("SELECT owner_distributor_id FROM nodes.nodes WHERE id = @id", ("id", id)),
                Is.EqualTo(World.Distributor1), "the ownership path is stored");
            Assert.That(await CountAsync("SELECT count(*) FROM audit.audit_logs WHERE resource_type = 'node' AND action_type = 'CREATE' AND resource_id = @id",
                ("id", id.ToString())), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Reading_a_node_answers_its_config_the_first_time_and_from_the_read_cache()
    {
        var (id, _) = await CreateTankAsync("tank-cached");
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var first = (await (await client.GetAsync($"/api/v1/nodes/{id}")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        var cached = (await (await client.GetAsync($"/api/v1/nodes/{id}")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");

        Assert.Multiple(() =>
        {
            Assert.That(first.GetProperty("config").GetProperty("maxDepthCm").GetDouble(), Is.EqualTo(300));
            Assert.That(cached.GetProperty("config").GetProperty("maxDepthCm").GetDouble(), Is.EqualTo(300));
            Assert.That(cached.GetProperty("config").GetProperty("sensorOffsetCm").GetDouble(), Is.EqualTo(10));
        });
    }

    [Test]
    public async Task A_distributor_cannot_create_a_node_for_another_distributors_community()
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var response = await client.PostAsJsonAsync("/api/v1/nodes", TankBody("tank-002", "community", World.Community2));

        var error = (await response.ReadEnvelopeAsync(HttpStatusCode.NotFound)).Errors().Single();
        Assert.That(error.Field(), Is.EqualTo("communityId"));
        Assert.That(await CountAsync("SELECT count(*) FROM nodes.nodes"), Is.Zero);
    }

    [TestCase("lat", 91.0, "lat")]
    [TestCase("lng", -181.0, "lng")]
    public async Task Coordinates_out_of_range_are_422_naming_the_field_and_nothing_is_stored(string property, double value, string field)
    {
        using var client = ClientWith(Tokens.For(World.Superadmin));
        var body = (Dictionary<string, object?>)TankBody("tank-geo", "community", World.Community1);
        body[property] = value;

        var response = await client.PostAsJsonAsync("/api/v1/nodes", body);

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors().Single().Field(), Is.EqualTo(field));
        Assert.That(await CountAsync("SELECT count(*) FROM nodes.nodes"), Is.Zero);
    }

    [Test]
    public async Task A_duplicate_node_key_is_409_naming_node_key_and_the_first_node_stays()
    {
        var (first, _) = await CreateTankAsync("tank-dup");
        using var client = ClientWith(Tokens.For(World.Superadmin));

        var response = await client.PostAsJsonAsync("/api/v1/nodes", TankBody("tank-dup", "community", World.Community1, label: "Impostor"));

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.Conflict)).Errors().Single().Field(), Is.EqualTo("nodeKey"));
        Assert.That(await Database.ScalarAsync<string>("SELECT label FROM nodes.nodes WHERE node_key = 'tank-dup'"), Is.EqualTo("Block A OHT"));
        Assert.That(await CountAsync("SELECT count(*) FROM nodes.nodes"), Is.EqualTo(1));
        Assert.That(first, Is.Not.EqualTo(Guid.Empty));
    }

    [Test]
    public async Task Get_answers_the_etag_and_304_while_it_is_current()
    {
        var (id, etag) = await CreateTankAsync("tank-get");
        using var client = ClientWith(Tokens.For(World.CustomerUser1));
        using var super = ClientWith(Tokens.For(World.Superadmin));

        var first = await super.GetAsync($"/api/v1/nodes/{id}");
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/nodes/{id}");
        conditional.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(etag));
        var second = await super.SendAsync(conditional);

        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(first.Headers.ETag!.Tag, Is.EqualTo(etag));
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        });
        Assert.That((await client.GetAsync($"/api/v1/nodes/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound),
            "a community's node is not a customer's");
    }

    [Test]
    public async Task Update_needs_if_match_refuses_a_stale_one_and_applies_a_fresh_one()
    {
        var (id, etag) = await CreateTankAsync("tank-upd");
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var body = new { label = "Renamed", category = "Sump", lat = 17.5, lng = 78.5, config = new { maxDepthCm = 250 } };

        var missing = await client.SendAsync(Request(HttpMethod.Put, $"/api/v1/nodes/{id}", body, null));
        var stale = await client.SendAsync(Request(HttpMethod.Put, $"/api/v1/nodes/{id}", body, "\"9.1\""));
        var fresh = await client.SendAsync(Request(HttpMethod.Put, $"/api/v1/nodes/{id}", body, etag));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(missing.StatusCode, Is.EqualTo((HttpStatusCode)428));
            Assert.That((await stale.ReadEnvelopeAsync(HttpStatusCode.Conflict)).Errors().Single().Code(), Is.EqualTo("CONCURRENCY_CONFLICT"));
            var data = (await fresh.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
            Assert.That(data.GetProperty("node").GetProperty("label").GetString(), Is.EqualTo("Renamed"));
            Assert.That(data.GetProperty("config").GetProperty("maxDepthCm").GetDouble(), Is.EqualTo(250));
            Assert.That(fresh.Headers.ETag!.Tag, Is.EqualTo("\"2.1\""));
            Assert.That(await CountAsync("SELECT count(*) FROM audit.audit_logs WHERE resource_type = 'node' AND action_type = 'UPDATE'"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Two_updates_racing_with_the_same_if_match_one_wins_and_one_conflicts()
    {
        var (id, etag) = await CreateTankAsync("tank-race");
        using var client = ClientWith(Tokens.For(World.Superadmin));

        var responses = await Task.WhenAll(
            client.SendAsync(Request(HttpMethod.Put, $"/api/v1/nodes/{id}", new { label = "First", category = "OHT", config = new { maxDepthCm = 300 } }, etag)),
            client.SendAsync(Request(HttpMethod.Put, $"/api/v1/nodes/{id}", new { label = "Second", category = "OHT", config = new { maxDepthCm = 300 } }, etag)));

        Assert.That(responses.Select(r => r.StatusCode), Is.EquivalentTo(new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.That(await CountAsync("SELECT version FROM nodes.nodes WHERE id = @id", ("id", id)), Is.EqualTo(2));
    }

    [Test]
    public async Task Only_a_superadmin_deletes_and_only_with_the_current_version()
    {
        var (id, etag) = await CreateTankAsync("tank-del");
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));
        using var super = ClientWith(Tokens.For(World.Superadmin));

        var forbidden = await distributor.SendAsync(Request(HttpMethod.Delete, $"/api/v1/nodes/{id}", null, etag));
        var stale = await super.SendAsync(Request(HttpMethod.Delete, $"/api/v1/nodes/{id}", null, "\"5\""));
        var deleted = await super.SendAsync(Request(HttpMethod.Delete, $"/api/v1/nodes/{id}", null, etag));

        Assert.Multiple(() =>
        {
            Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        });
        Assert.That(await CountAsync("SELECT count(*) FROM nodes.node_operational_state"), Is.Zero, "the state goes with the node");
    }

    [Test]
    public async Task Moving_a_node_within_scope_rewrites_its_ownership_path_and_outside_scope_is_404()
    {
        var (id, etag) = await CreateTankAsync("tank-move");
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var outside = await client.SendAsync(Request(HttpMethod.Post, $"/api/v1/nodes/{id}/move", new { tenantType = "customer", customerId = World.Customer2 }, etag));
        var inside = await client.SendAsync(Request(HttpMethod.Post, $"/api/v1/nodes/{id}/move", new { tenantType = "customer", customerId = World.Customer1 }, etag));
        using var customer = ClientWith(Tokens.For(World.CustomerUser1));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await outside.ReadEnvelopeAsync(HttpStatusCode.NotFound)).Errors().Single().Field(), Is.EqualTo("customerId"));
            var node = (await inside.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("node");
            Assert.That(node.GetProperty("tenantType").GetString(), Is.EqualTo("customer"));
            Assert.That(node.GetProperty("customerId").GetGuid(), Is.EqualTo(World.Customer1));
            Assert.That((await customer.GetAsync($"/api/v1/nodes/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the new owner sees it");
        });
    }

    [Test]
    public async Task Maintenance_changes_the_status_through_the_state_version_and_publishes_the_change()
    {
        var (id, _) = await CreateTankAsync("tank-maint");
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var on = await client.PutAsJsonAsync($"/api/v1/nodes/{id}/maintenance", new { enabled = true });
        var again = await client.PutAsJsonAsync($"/api/v1/nodes/{id}/maintenance", new { enabled = true });
        var off = await client.PutAsJsonAsync($"/api/v1/nodes/{id}/maintenance", new { enabled = false });

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await on.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("state").GetProperty("status").GetString(), Is.EqualTo("Maintenance"));
            Assert.That(on.Headers.ETag!.Tag, Is.EqualTo("\"1.2\""), "the state part of the ETag moves");
            Assert.That(again.Headers.ETag!.Tag, Is.EqualTo("\"1.2\""), "no change, no new version");
            Assert.That((await off.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("state").GetProperty("status").GetString(), Is.EqualTo("Provisioning"));
            Assert.That(await CountAsync("SELECT count(*) FROM integration.outbox WHERE event_type = 'NodeStatusChanged' AND payload->>'nodeId' = @id",
                ("id", id.ToString())), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Twenty_concurrent_status_changes_leave_one_consistent_history()
    {
        var (id, _) = await CreateTankAsync("tank-storm");
        using var client = ClientWith(Tokens.For(World.Superadmin));

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            client.PutAsJsonAsync($"/api/v1/nodes/{id}/maintenance", new { enabled = i % 2 == 0 })));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        var version = await CountAsync("SELECT version FROM nodes.node_operational_state WHERE node_id = @id", ("id", id));
        var status = await Database.ScalarAsync<string>("SELECT status FROM nodes.node_operational_state WHERE node_id = @id", ("id", id));
        var events = await Database.ScalarAsync<string>("""
            SELECT coalesce(json_agg(json_build_object('from', payload->>'previousStatus', 'to', payload->>'status',
                                                       'version', (payload->>'stateVersion')::bigint) ORDER BY (payload->>'stateVersion')::bigint), '[]')::text
            FROM integration.outbox WHERE event_type = 'NodeStatusChanged' AND payload->>'nodeId' = @id
            """, ("id", id.ToString()));
        var history = JsonDocument.Parse(events!).RootElement.EnumerateArray().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(version, Is.EqualTo(1 + history.Count), "one version per published change");
            Assert.That(history.Select(e => e.GetProperty("version").GetInt64()), Is.EqualTo(Enumerable.Range(2, history.Count).Select(v => (long)v)));
            for (var i = 1; i < history.Count; i++)
            {
                Assert.That(history[i].GetProperty("from").GetString(), Is.EqualTo(history[i - 1].GetProperty("to").GetString()), "no lost or flip-flopped change");
                Assert.That(history[i].GetProperty("to").GetString(), Is.Not.EqualTo(history[i].GetProperty("from").GetString()));
            }

            Assert.That(history.Count == 0 ? "Provisioning" : history[^1].GetProperty("to").GetString(), Is.EqualTo(status));
        });
    }

    [Test]
    public async Task A_channel_is_configured_with_its_mappings_and_its_keys_are_never_shown_in_full()
    {
        var (id, etag) = await CreateTankAsync("tank-chan");
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var body = new
        {
            channelId = 2900001, readKey = "READKEY0000SECRET1",
            mappings = new object[]
            {
                new { field = "field1", canonicalField = "water_level_cm", scaleFactor = 0.1 },
                new { field = "field2", canonicalField = "temperature_c" },
                new { field = "field3", canonicalField = "tds_ppm", dataType = "integer" },
            },
        };

        var response = await client.SendAsync(Request(HttpMethod.Put, $"/api/v1/nodes/{id}/channel", body, etag));
        var text = await response.Content.ReadAsStringAsync();
        var read = await client.GetStringAsync($"/api/v1/nodes/{id}");

        var channel = JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("channel");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(channel.GetProperty("readKey").GetString(), Is.EqualTo("****RET1"));
            Assert.That(channel.GetProperty("mappings").GetArrayLength(), Is.EqualTo(3));
            Assert.That(channel.GetProperty("mappings")[0].GetProperty("unit").GetString(), Is.EqualTo("cm"));
            Assert.That(text + read, Does.Not.Contain("SECRET1"));
            Assert.That(response.Headers.ETag!.Tag, Is.EqualTo("\"2.1\""));
        });
    }

    [TestCase("field9", "water_level_cm", "mappings[0].field")]
    [TestCase("field1", "flow_rate_lpm", "mappings[0].canonicalField")]
    public async Task A_mapping_outside_the_nodes_type_is_422_naming_it_and_nothing_is_stored(string field, string canonical, string expectedField)
    {
        var (id, etag) = await CreateTankAsync("tank-badmap");
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var response = await client.SendAsync(Request(HttpMethod.Put, $"/api/v1/nodes/{id}/channel",
            new { channelId = 2900002, mappings = new[] { new { field, canonicalField = canonical } } }, etag));

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors().Single().Field(), Is.EqualTo(expectedField));
        Assert.That(await CountAsync("SELECT count(*) FROM nodes.thingspeak_channels"), Is.Zero);
        Assert.That(await CountAsync("SELECT version FROM nodes.nodes WHERE id = @id", ("id", id)), Is.EqualTo(1));
    }

    [Test]
    public async Task Overlapping_calibrations_are_refused_and_a_closed_one_makes_room()
    {
        var (id, _) = await CreateTankAsync("tank-cal");
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var first = new { field = "water_level_cm", type = "linear", parameters = new { slope = 1.05, intercept = -2.3 }, validFrom = "2026-01-01T00:00:00Z" };

        var added = await client.PostAsJsonAsync($"/api/v1/nodes/{id}/calibrations", first);
        var overlapping = await client.PostAsJsonAsync($"/api/v1/nodes/{id}/calibrations",
            new { field = "water_level_cm", type = "polynomial", parameters = new { coefficients = new[] { 0.0, 1.0 } }, validFrom = "2026-06-01T00:00:00Z" });
        var calibrationId = (await added.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("calibrations")[0].GetProperty("id").GetGuid();
        var closed = await client.PostAsJsonAsync($"/api/v1/nodes/{id}/calibrations/{calibrationId}/close", new { validUntil = "2026-06-01T00:00:00Z" });
        var next = await client.PostAsJsonAsync($"/api/v1/nodes/{id}/calibrations",
            new { field = "water_level_cm", type = "lookup_table", parameters = new { points = new[] { new[] { 0.0, 0.0 }, new[] { 100.0, 98.0 } } }, validFrom = "2026-06-01T00:00:00Z" });

        await Assert.MultipleAsync(async () =>
        {
            var error = (await overlapping.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors().Single();
            Assert.That(error.Code(), Is.EqualTo("CALIBRATION_OVERLAP"));
            Assert.That(error.Field(), Is.EqualTo("validFrom"));
            Assert.That(closed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await next.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("calibrations").GetArrayLength(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Firmware_is_recorded_and_summarised_within_scope()
    {
        var (mine, _) = await CreateTankAsync("tank-fw1");
        var (theirs, _) = await CreateTankAsync("tank-fw2", "community", World.Community2);
        using var super = ClientWith(Tokens.For(World.Superadmin));
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        (await super.PutAsJsonAsync($"/api/v1/nodes/{mine}/firmware", new { firmwareVersion = "2.4.1", updateStatus = "update_available" })).EnsureSuccessStatusCode();
        (await super.PutAsJsonAsync($"/api/v1/nodes/{theirs}/firmware", new { firmwareVersion = "9.9.9" })).EnsureSuccessStatusCode();
        var summary = (await (await client.GetAsync("/api/v1/firmware/summary")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");

        Assert.That(summary.GetArrayLength(), Is.EqualTo(1));
        Assert.That(summary[0].GetProperty("firmwareVersion").GetString(), Is.EqualTo("2.4.1"));
        Assert.That(summary[0].GetProperty("updateAvailable").GetInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task Tags_filter_the_list_and_untagging_removes_them()
    {
        var (tagged, _) = await CreateTankAsync("tank-tag1");
        await CreateTankAsync("tank-tag2");
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        (await client.PostAsJsonAsync($"/api/v1/nodes/{tagged}/tags", new { name = "zone", value = "north" })).EnsureSuccessStatusCode();
        var filtered = (await (await client.GetAsync("/api/v1/nodes?tag=zone:north")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        (await client.DeleteAsync($"/api/v1/nodes/{tagged}/tags?name=zone&value=north")).EnsureSuccessStatusCode();
        var after = (await (await client.GetAsync("/api/v1/nodes?tag=zone:north")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");

        Assert.That(filtered.EnumerateArray().Select(n => n.GetProperty("id").GetGuid()), Is.EqualTo(new[] { tagged }));
        Assert.That(after.GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task The_tags_listed_are_those_on_the_callers_nodes_with_their_ids_and_counts()
    {
        var (north1, _) = await CreateTankAsync("tank-tags1");
        var (north2, _) = await CreateTankAsync("tank-tags2");
        var (south, _) = await CreateTankAsync("tank-tags3", "community", World.Community2);
        using var admin = ClientWith(Tokens.For(World.Superadmin));
        foreach (var (node, value) in new[] { (north1, "north"), (north2, "north"), (south, "south") })
        {
            (await admin.PostAsJsonAsync($"/api/v1/nodes/{node}/tags", new { name = "zone", value })).EnsureSuccessStatusCode();
        }

        async Task<string[]> TagsOfAsync(TestUser user)
        {
            using var client = ClientWith(Tokens.For(user));
            var data = (await (await client.GetAsync("/api/v1/tags")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
            return [.. data.EnumerateArray().Select(t => $"{t.GetProperty("name").GetString()}:{t.GetProperty("value").GetString()}×{t.GetProperty("nodes").GetInt64()}")];
        }

        var tagId = await Database.ScalarAsync<Guid>("SELECT id FROM nodes.device_tags WHERE tag_name = 'zone' AND tag_value = 'north'");
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));
        var listed = (await (await distributor.GetAsync("/api/v1/tags")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data")[0];
        Assert.Multiple(async () =>
        {
            Assert.That(await TagsOfAsync(World.Superadmin), Is.EqualTo(new[] { "zone:north×2", "zone:south×1" }));
            Assert.That(await TagsOfAsync(World.DistributorUser1), Is.EqualTo(new[] { "zone:north×2" }), "another distributor's tags are not listed");
            Assert.That(listed.GetProperty("id").GetGuid(), Is.EqualTo(tagId), "the id a rule's selector names");
        });
    }

    [Test]
    public async Task The_list_filters_searches_sorts_and_selects_fields()
    {
        await CreateTankAsync("tank-l1", label: "Banjara Hills OHT");
        await CreateTankAsync("tank-l2", label: "Ameerpet OHT");
        await CreateTankAsync("tank-l3", "community", World.Community2, label: "Kondapur OHT");
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var all = (await (await client.GetAsync("/api/v1/nodes?sort=label&status=Provisioning&category=OHT&category=Sump")).ReadEnvelopeAsync(HttpStatusCode.OK));
        var searched = (await (await client.GetAsync("/api/v1/nodes?search=banjara")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        var sparse = (await (await client.GetAsync("/api/v1/nodes?fields=id,label,created_at")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");

        Assert.Multiple(() =>
        {
            Assert.That(all.GetProperty("data").EnumerateArray().Select(n => n.GetProperty("label").GetString()),
                Is.EqualTo(new[] { "Ameerpet OHT", "Banjara Hills OHT" }), "sorted, and only the caller's scope");
            Assert.That(all.GetProperty("meta").GetProperty("pagination").GetProperty("total").GetInt64(), Is.EqualTo(2));
            Assert.That(searched.GetArrayLength(), Is.EqualTo(1));
            Assert.That(sparse[0].EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "id", "label", "createdAt" }));
        });
    }

    [Test]
    public async Task Cursor_pages_walk_every_node_once()
    {
        for (var i = 0; i < 7; i++)
        {
            await CreateTankAsync($"tank-c{i}", label: $"Node {i}");
        }

        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var seen = new List<Guid>();
        var first = (await (await client.GetAsync("/api/v1/nodes?limit=3&sort=-created_at")).ReadEnvelopeAsync(HttpStatusCode.OK));
        seen.AddRange(first.GetProperty("data").EnumerateArray().Select(n => n.GetProperty("id").GetGuid()));
        var cursor = first.GetProperty("meta").GetProperty("pagination").GetProperty("nextCursor").GetString();
        while (cursor is not null)
        {
            var page = await (await client.GetAsync($"/api/v1/nodes?limit=3&sort=-created_at&cursor={Uri.EscapeDataString(cursor)}")).ReadEnvelopeAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(n => n.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("meta").GetProperty("pagination").TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }

        Assert.That(seen, Has.Count.EqualTo(7).And.Unique);
    }

    [TestCase("sort=name", "sort")]
    [TestCase("sort=label;DROP TABLE nodes.nodes", "sort")]
    [TestCase("sort=created_at%20DESC--", "sort")]
    [TestCase("fields=id,password", "fields")]
    [TestCase("fields=id,(SELECT%201)", "fields")]
    [TestCase("limit=1000", "limit")]
    [TestCase("status=Sleeping", "status")]
    [TestCase("tag=zone", "tag")]
    [TestCase("cursor=not-a-cursor", "cursor")]
    public async Task Bad_list_parameters_are_400_naming_the_parameter(string query, string field)
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var response = await client.GetAsync($"/api/v1/nodes?{query}");

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors().First().Field(), Is.EqualTo(field));
        Assert.That(await Database.ScalarAsync<bool>("SELECT to_regclass('nodes.nodes') IS NOT NULL"), Is.True);
    }

    [Test]
    public async Task Nearby_finds_nodes_within_the_radius_nearest_first_and_caps_the_radius()
    {
        var (near, _) = await CreateTankAsync("tank-n1", lat: 17.4400, lng: 78.3500);
        var (nearer, _) = await CreateTankAsync("tank-n2", lat: 17.4401, lng: 78.3489);
        await CreateTankAsync("tank-far", lat: 17.2000, lng: 78.6000);
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var found = (await (await client.GetAsync("/api/v1/nodes/nearby?lat=17.4401&lng=78.3488&radius_m=1000")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        var tooWide = await client.GetAsync("/api/v1/nodes/nearby?lat=17.44&lng=78.35&radius_m=100000");

        Assert.That(found.EnumerateArray().Select(n => n.GetProperty("id").GetGuid()), Is.EqualTo(new[] { nearer, near }));
        Assert.That(found[0].GetProperty("distanceM").GetDouble(), Is.LessThan(found[1].GetProperty("distanceM").GetDouble()));
        Assert.That((await tooWide.ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors().Single().Field(), Is.EqualTo("radius_m"));
    }

    [Test]
    public async Task The_map_holds_every_node_in_scope_and_nothing_else()
    {
        var (mine, _) = await CreateTankAsync("tank-m1");
        await CreateTankAsync("tank-m2", "community", World.Community2);
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var pins = (await (await client.GetAsync("/api/v1/nodes/map")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");

        Assert.That(pins.GetArrayLength(), Is.EqualTo(1));
        Assert.That(pins[0].GetProperty("id").GetGuid(), Is.EqualTo(mine));
        Assert.That(pins[0].EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "id", "label", "status", "lat", "lng" }));
    }

    [Test]
    public async Task A_batch_answers_per_item_and_stores_only_the_valid_items()
    {
        var (existing, etag) = await CreateTankAsync("tank-b0");
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var body = new
        {
            atomic = false,
            operations = new object[]
            {
                new { op = "create", node = TankBody("tank-b1", "community", World.Community1) },
                new { op = "create", node = TankBody("tank-b2", "community", World.Community1, lat: 91) },
                new { op = "create", node = TankBody("tank-b0", "community", World.Community1) },
                new { op = "update", id = existing, version = 1, node = new { label = "Batch renamed", category = "OHT", config = new { maxDepthCm = 300 } } },
                new { op = "delete", id = existing, version = 2 },
                new { op = "explode" },
            },
        };

        var response = await client.PostAsJsonAsync("/api/v1/nodes/batch", body);

        var data = (await response.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        var results = data.GetProperty("results").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.GetProperty("status").GetInt32()), Is.EqualTo(new[] { 201, 422, 409, 200, 403, 400 }));
            Assert.That(results[1].GetProperty("errors")[0].GetProperty("field").GetString(), Is.EqualTo("lat"));
            Assert.That(results[2].GetProperty("errors")[0].GetProperty("field").GetString(), Is.EqualTo("nodeKey"));
            Assert.That(data.GetProperty("succeeded").GetInt32(), Is.EqualTo(2));
        });
        Assert.That(await CountAsync("SELECT count(*) FROM nodes.nodes"), Is.EqualTo(2));
        Assert.That(await Database.ScalarAsync<string>("SELECT label FROM nodes.nodes WHERE id = @id", ("id", existing)), Is.EqualTo("Batch renamed"));
        Assert.That(await CountAsync("SELECT count(*) FROM audit.audit_logs WHERE resource_type = 'node'"), Is.EqualTo(3), "create + batch create + batch update");
        Assert.That(etag, Is.EqualTo("\"1.1\""));
    }

    [Test]
    public async Task An_atomic_batch_with_one_bad_item_stores_nothing()
    {
        using var client = ClientWith(Tokens.For(World.Superadmin));
        var body = new
        {
            atomic = true,
            operations = new object[]
            {
                new { op = "create", node = TankBody("tank-a1", "community", World.Community1) },
                new { op = "create", node = TankBody("tank-a2", "community", World.Community1, lat: 91) },
            },
        };

        var response = await client.PostAsJsonAsync("/api/v1/nodes/batch", body);

        var envelope = await response.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.That(envelope.Errors().Single().Field(), Is.EqualTo("operations[1].lat"));
        Assert.That(envelope.GetProperty("data").GetProperty("failed").GetInt32(), Is.EqualTo(1));
        Assert.That(await CountAsync("SELECT count(*) FROM nodes.nodes"), Is.Zero);
        Assert.That(await CountAsync("SELECT count(*) FROM audit.audit_logs WHERE resource_type = 'node'"), Is.Zero);
    }

    [Test]
    public async Task A_batch_holding_null_is_400_naming_the_item_and_stores_nothing()
    {
        using var client = ClientWith(Tokens.For(World.Superadmin));
        var body = new { operations = new object?[] { new { op = "create", node = TankBody("tank-n1", "community", World.Community1) }, null } };

        var response = await client.PostAsJsonAsync("/api/v1/nodes/batch", body);

        var error = (await response.ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors().Single();
        Assert.That((error.Code(), error.Field()), Is.EqualTo(("VALIDATION_ERROR", "operations[1]")));
        Assert.That(await CountAsync("SELECT count(*) FROM nodes.nodes"), Is.Zero);
    }

    [Test]
    public async Task A_batch_of_more_than_500_items_is_400()
    {
        using var client = ClientWith(Tokens.For(World.Superadmin));
        var operations = Enumerable.Range(0, 501).Select(i => new { op = "delete", id = Guid.NewGuid(), version = 1 }).ToArray();

        var response = await client.PostAsJsonAsync("/api/v1/nodes/batch", new { atomic = false, operations });

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors().Single().Field(), Is.EqualTo("operations"));
    }
}
