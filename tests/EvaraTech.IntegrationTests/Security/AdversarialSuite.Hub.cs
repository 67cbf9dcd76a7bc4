using System.Reflection;
using System.Text.Json;
using EvaraTech.IntegrationTests.Alerts;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Realtime;
using EvaraTech.Modules.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace EvaraTech.IntegrationTests.Security;

public sealed partial class AdversarialSuite
{
    /// <summary>
    /// SignalR passes on the message of a HubException, the hub's deliberate refusal, after this prefix; any other
    /// exception (the server's 500) reaches the client as the generic sentence alone.
    /// </summary>
    private const string Deliberate = "HubException: ";

    private static MethodInfo[] HubMethods() =>
        [.. typeof(RealtimeHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(RealtimeHub))];

    /// <summary>
    /// Every public method of the realtime hub, found by reflection so a new one is covered, invoked by tenant 1's users
    /// over a real SignalR connection with tenant 2's ids: a method that takes an id refuses it, and after every
    /// invocation, tenant 2's telemetry and alert reach none of them.
    /// </summary>
    [Test]
    public async Task Every_hub_method_refuses_tenant_two_and_no_message_of_tenant_two_arrives()
    {
        var tally = AdversarialTallies.Start("hub");
        await AlertScenario.AddLowTankRuleAsync(Database, Platform.Api, World.Distributor2);
        var methods = HubMethods();
        await using var customer = await HubClient.ConnectAsync(Platform.Api, World.CustomerUser1);
        await using var distributor = await HubClient.ConnectAsync(Platform.Api, World.DistributorUser1);
        HubClient[] clients = [customer, distributor];

        foreach (var client in clients)
        {
            foreach (var method in methods)
            {
                foreach (var arguments in Arguments(method))
                {
                    await InvokeAsync(client, method, arguments, tally);
                }
            }
        }

        await AlertScenario.RecordAsync(Platform.Api, _world.Node2, (20, DateTimeOffset.UtcNow));
        await AlertScenario.RecordAsync(Platform.Api, _world.Node1, (200, DateTimeOffset.UtcNow));
        await HubClient.EventuallyAsync(() => clients.All(c => !c.Telemetry.IsEmpty), "tank 1's telemetry on every connection");
        await Task.Delay(500); // anything misrouted would have arrived by now
        foreach (var client in clients)
        {
            var heard = JsonSerializer.Serialize(new { client.Telemetry, client.Alerts, client.Statuses, client.Dashboards });
            if (_world.SecretIn(heard, "") is { } secret)
            {
                tally.Leaked($"a tenant-1 connection heard tenant 2's {secret}: {heard}");
            }
        }

        Assert.That(methods, Has.Length.GreaterThanOrEqualTo(3), "the hub's methods are found");
        tally.AssertClean();
    }

    /// <summary>
    /// Every combination of tenant 2's candidate ids for the method's Guid parameters; a method without any is invoked
    /// once (it can only subscribe the caller to its own scope, which the messages afterwards check).
    /// </summary>
    private IEnumerable<object?[]> Arguments(MethodInfo method) =>
        method.GetParameters().Aggregate(
            (IEnumerable<object?[]>)[[]],
            (partial, parameter) => partial.SelectMany(arguments => Candidates(parameter).Select(value => (object?[])[.. arguments, value])));

    private IEnumerable<object?> Candidates(ParameterInfo parameter) =>
        parameter.ParameterType == typeof(Guid) ? _world.IdsFor(parameter.Name!, null, 2).Cast<object?>()
        : parameter.ParameterType == typeof(string) ? [_world.Node2.ToString()]
        : [parameter.ParameterType.IsValueType ? Activator.CreateInstance(parameter.ParameterType) : null];

    private async Task InvokeAsync(HubClient client, MethodInfo method, object?[] arguments, AdversarialTally tally)
    {
        var what = $"{method.Name}({string.Join(", ", arguments)})";
        var targetsOther = arguments.Any(a => a is Guid id && _world.OtherIds.Contains(id) || a is string text && _world.SecretIn(text, "") is not null);
        tally.Attempted();
        try
        {
            var result = await client.Connection.InvokeCoreAsync(method.Name, typeof(object), arguments);
            if (targetsOther)
            {
                tally.Leaked($"{what} was accepted");
            }
            else if (_world.SecretIn(JsonSerializer.Serialize(result), "") is { } secret)
            {
                tally.Leaked($"{what} answered tenant 2's {secret}");
            }
        }
        catch (HubException ex) when (ex.Message.Contains(Deliberate, StringComparison.Ordinal))
        {
            tally.WasRefused();
            if (_world.SecretIn(ex.Message, what) is { } secret)
            {
                tally.Leaked($"{what} was refused naming tenant 2's {secret}");
            }
        }
        catch (Exception ex)
        {
            tally.Failed($"{what} → {ex.GetType().Name}: {ex.Message}");
        }
    }
}
