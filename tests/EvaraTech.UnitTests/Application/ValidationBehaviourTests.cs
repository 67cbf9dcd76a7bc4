using EvaraTech.Application.Behaviours;
using EvaraTech.Application.Errors;
using FluentValidation;
using Mediator;

namespace EvaraTech.UnitTests.Application;

public sealed class ValidationBehaviourTests
{
    public sealed record Register(string? Email, int Age, IReadOnlyList<Item> Items) : ICommand<int>;

    public sealed record Item(string? NodeKey);

    private sealed class RegisterValidator : AbstractValidator<Register>
    {
        public RegisterValidator()
        {
            RuleFor(r => r.Email).NotEmpty();
            RuleFor(r => r.Age).InclusiveBetween(0, 150);
            RuleForEach(r => r.Items).ChildRules(item => item.RuleFor(i => i.NodeKey).NotEmpty());
        }
    }

    [Test]
    public void Every_failing_field_is_reported_with_its_client_side_name()
    {
        var behaviour = new ValidationBehaviour<Register, int>([new RegisterValidator()]);
        var handlerRan = false;

        var failure = Assert.ThrowsAsync<RequestValidationException>(async () =>
            await behaviour.Handle(new Register(null, 200, [new Item("ok"), new Item("")]), (_, _) =>
            {
                handlerRan = true;
                return ValueTask.FromResult(1);
            }, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Errors.Select(e => e.Field), Is.EquivalentTo(new[] { "email", "age", "items[1].nodeKey" }));
            Assert.That(handlerRan, Is.False, "the handler must not run on invalid input");
        });
    }

    [Test]
    public async Task Valid_input_reaches_the_handler()
    {
        var behaviour = new ValidationBehaviour<Register, int>([new RegisterValidator()]);

        var result = await behaviour.Handle(new Register("a@b.c", 30, []), (_, _) => ValueTask.FromResult(42), CancellationToken.None);

        Assert.That(result, Is.EqualTo(42));
    }
}
