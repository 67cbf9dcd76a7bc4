using EvaraTech.Api.Hosting;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Foundation;

/// <summary>
/// The mediator's handlers are found at compile time only in the assemblies listed in AddMediator; a module left
/// out loses its handlers silently. This asks the real host for the handler of every message of every module.
/// </summary>
public sealed class MediatorRegistrationTests
{
    private static readonly (Type Message, Type Handler)[] Kinds =
    [
        (typeof(ICommand<>), typeof(ICommandHandler<,>)),
        (typeof(IQuery<>), typeof(IQueryHandler<,>)),
        (typeof(IRequest<>), typeof(IRequestHandler<,>)),
    ];

    private static IEnumerable<TestCaseData> Messages() =>
        from module in ApiRegistration.ModuleMarkers
        from type in module.Assembly.GetTypes()
        where type is { IsAbstract: false, IsInterface: false }
        from contract in type.GetInterfaces()
        where contract.IsGenericType
        from kind in Kinds
        where contract.GetGenericTypeDefinition() == kind.Message
        select new TestCaseData(type, kind.Handler.MakeGenericType(type, contract.GetGenericArguments()[0])).SetArgDisplayNames(type.Name);

    [TestCaseSource(nameof(Messages))]
    public void Every_message_has_a_handler_in_the_host(Type message, Type handlerContract)
    {
        using var scope = Platform.Api.Services.CreateScope();

        Assert.That(scope.ServiceProvider.GetService(handlerContract), Is.Not.Null, $"{message.Name} has no registered handler");
    }

    [Test]
    public void The_modules_declare_messages() => Assert.That(Messages(), Is.Not.Empty);

    private static IEnumerable<TestCaseData> Validators() =>
        from module in ApiRegistration.ModuleMarkers
        from type in module.Assembly.GetTypes()
        where type is { IsAbstract: false, IsInterface: false } && type.BaseType is { IsGenericType: true } baseType
            && baseType.GetGenericTypeDefinition() == typeof(AbstractValidator<>)
        select new TestCaseData(typeof(IValidator<>).MakeGenericType(type.BaseType!.GetGenericArguments()[0])).SetArgDisplayNames(type.Name);

    /// <summary>Building a validator compiles its rules' expressions: once per process, not once per request (compiling costs far more than validating).</summary>
    [TestCaseSource(nameof(Validators))]
    public void Every_validator_is_built_once(Type validator)
    {
        using var first = Platform.Api.Services.CreateScope();
        using var second = Platform.Api.Services.CreateScope();

        var instances = typeof(IEnumerable<>).MakeGenericType(validator);
        var once = ((IEnumerable<object>)first.ServiceProvider.GetRequiredService(instances)).ToList();
        var again = ((IEnumerable<object>)second.ServiceProvider.GetRequiredService(instances)).ToList();

        Assert.That(once, Is.Not.Empty);
        Assert.That(once.Zip(again).All(pair => ReferenceEquals(pair.First, pair.Second)) && once.Count == again.Count, Is.True,
            $"{validator.Name} is built anew for each scope");
    }
}
