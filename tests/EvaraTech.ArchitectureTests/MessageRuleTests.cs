using System.Reflection;
using EvaraTech.Application.Security;
using Mediator;

namespace EvaraTech.ArchitectureTests;

/// <summary>Authorization is deny-by-default: every message of every module says who may send it.</summary>
public sealed class MessageRuleTests
{
    private static IEnumerable<Type> Messages() =>
        Layers.Modules.SelectMany(m => m.GetTypes())
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IMessage).IsAssignableFrom(t));

    [Test]
    public void Every_message_declares_who_may_send_it()
    {
        var undeclared = Messages().Where(t =>
            t.GetCustomAttribute<RequiresPermissionAttribute>() is null
            && t.GetCustomAttribute<AuthenticatedAttribute>() is null
            && t.GetCustomAttribute<AnonymousAttribute>() is null);

        Assert.That(undeclared.Select(t => t.FullName), Is.Empty);
    }

    [Test]
    public void Every_required_permission_exists_in_the_catalogue()
    {
        var catalogue = Permissions.Granted.Values.SelectMany(p => p).ToHashSet();
        var unknown = Messages()
            .Select(t => t.GetCustomAttribute<RequiresPermissionAttribute>()?.Permission)
            .Where(p => p is not null && !catalogue.Contains(p));

        Assert.That(unknown, Is.Empty);
    }

    [Test]
    public void Messages_and_handlers_are_public() =>
        Assert.That(Messages().Where(t => !t.IsPublic && !t.IsNestedPublic).Select(t => t.FullName), Is.Empty);
}
